package dev.lifeboat.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class EnvFromSourceSchema {
  @JsonPropertyDescription("Prefix added to every variable name taken from the object.")
  public String prefix;

  @JsonPropertyDescription("Every key of this Secret becomes a variable.")
  public Ref secretRef;

  @JsonPropertyDescription("Every key of this ConfigMap becomes a variable.")
  public Ref configMapRef;

  public static class Ref {
    @Required
    @JsonPropertyDescription("Name of the Secret or ConfigMap in the policy's namespace.")
    public String name;

    @JsonPropertyDescription("When true, a missing object is skipped instead of keeping the container from starting.")
    public Boolean optional;
  }
}
