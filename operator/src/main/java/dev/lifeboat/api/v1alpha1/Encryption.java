package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Encryption {
  @Required
  @JsonPropertyDescription("Secret key holding the encryption keyset; keep a copy outside the cluster, without it the backups cannot be read.")
  public SecretKeyRef keySecretRef;
}
