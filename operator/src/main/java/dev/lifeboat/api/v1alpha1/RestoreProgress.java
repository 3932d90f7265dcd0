package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestoreProgress {
  @JsonPropertyDescription("Bytes restored so far.")
  public Long bytesDone;

  @JsonPropertyDescription("Bytes to restore.")
  public Long bytesTotal;

  @JsonPropertyDescription("Percent done, 0-100.")
  public Integer percent;
}
