package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Retention {
  @Min(0)
  @JsonPropertyDescription("Keep the newest N backups.")
  public Integer keepLast;

  @Min(0)
  @JsonPropertyDescription("Keep the newest backup of each of the last N hours that have one.")
  public Integer keepHourly;

  @Min(0)
  @JsonPropertyDescription("Keep the newest backup of each of the last N days that have one.")
  public Integer keepDaily;

  @Min(0)
  @JsonPropertyDescription("Keep the newest backup of each of the last N ISO weeks that have one.")
  public Integer keepWeekly;

  @Min(0)
  @JsonPropertyDescription("Keep the newest backup of each of the last N months that have one.")
  public Integer keepMonthly;

  @Min(0)
  @JsonPropertyDescription("Keep the newest backup of each of the last N years that have one.")
  public Integer keepYearly;

  @JsonPropertyDescription("Backup ids that are never pruned.")
  public List<String> pinned;
}
