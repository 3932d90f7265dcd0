package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetentionSummary {
  @JsonPropertyDescription("Backups kept in the repository.")
  public Integer kept;

  @JsonPropertyDescription("Backups deleted by the last run's retention.")
  public Integer prunedLastRun;

  @JsonPropertyDescription("Time of the oldest kept backup.")
  public String oldest;

  @JsonPropertyDescription("Time of the newest kept backup.")
  public String newest;

  @JsonPropertyDescription("Bytes of all kept backups.")
  public Long bytes;
}
