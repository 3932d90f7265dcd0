package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Destination {
  @Required
  @JsonPropertyDescription("An S3 or S3-compatible bucket (AWS, MinIO, R2, B2, Ceph...).")
  public S3Destination s3;
}
