package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RepositorySource {
  @Required
  @JsonPropertyDescription("The bucket, as in BackupPolicy.spec.destination.s3.")
  public S3Destination s3;

  @JsonPropertyDescription("Namespace whose backups to read; defaults to this namespace.")
  public String namespace;

  @Required
  @JsonPropertyDescription("Name of the BackupPolicy that wrote the backups.")
  public String policy;

  @JsonPropertyDescription("Key for client-side encrypted backups.")
  public Encryption encryption;
}
