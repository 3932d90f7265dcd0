package dev.lifeboat.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class SeccompProfileSchema {
  @Required
  @JsonPropertyDescription("RuntimeDefault, Localhost or Unconfined.")
  public String type;

  @JsonPropertyDescription("Profile path on the node when type is Localhost.")
  public String localhostProfile;
}
