package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.kmsKeyId) || self.kmsKeyId == '' || (has(self.serverSideEncryption) && self.serverSideEncryption == 'aws:kms')",
    message = "kmsKeyId needs serverSideEncryption: aws:kms")
public class S3Destination {
  @Required
  @Pattern("^[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]$")
  @JsonPropertyDescription("Bucket name.")
  public String bucket;

  @Pattern("^([^/]+(/[^/]+)*)?$")
  @JsonPropertyDescription("Key prefix inside the bucket, without leading or trailing slash; backups go to <prefix>/<namespace>/<policy>/.")
  public String prefix;

  @Pattern("^(https?://.+)?$")
  @JsonPropertyDescription("Endpoint URL for S3-compatible stores, e.g. https://minio.example:9000. Empty means AWS S3.")
  public String endpoint;

  @JsonPropertyDescription("Region, e.g. us-east-1.")
  public String region;

  @JsonPropertyDescription("Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint>; most self-hosted stores need true.")
  public Boolean forcePathStyle;

  @Required
  @JsonPropertyDescription("Secret in this namespace holding AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Only the backup Job reads it, never the operator.")
  public SecretRef credentialsSecretRef;

  @Pattern("^(|AES256|aws:kms)$")
  @JsonPropertyDescription("Server-side encryption: empty (bucket default), AES256 or aws:kms.")
  public String serverSideEncryption;

  @JsonPropertyDescription("KMS key id or ARN when serverSideEncryption is aws:kms.")
  public String kmsKeyId;
}
