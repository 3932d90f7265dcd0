package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DailyRuns {
  @JsonPropertyDescription("UTC date, e.g. 2025-11-09.")
  public String day;

  @JsonPropertyDescription("Runs that succeeded that day.")
  public Integer succeeded;

  @JsonPropertyDescription("Runs that failed that day.")
  public Integer failed;

  public DailyRuns() {}

  public DailyRuns(String day, int succeeded, int failed) {
    this.day = day;
    this.succeeded = succeeded;
    this.failed = failed;
  }
}
