package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecentRuns {
  @JsonPropertyDescription("Runs that succeeded within the window.")
  public Integer succeeded;

  @JsonPropertyDescription("Runs that failed within the window.")
  public Integer failed;

  @JsonPropertyDescription("The window counted: the last 7 UTC days including today.")
  public String window;

  @JsonPropertyDescription("Per-day counts the totals are summed from, oldest first; kept so the counts survive operator restarts.")
  public List<DailyRuns> days = new ArrayList<>();
}
