package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupEntry {
  @JsonPropertyDescription("Backup id, e.g. 20251109T020000Z.")
  public String id;

  @JsonPropertyDescription("When the backup completed (RFC 3339).")
  public String time;

  @JsonPropertyDescription("Bytes stored.")
  public Long bytes;

  @JsonPropertyDescription("True when the backup was tiny or far smaller than the one before it.")
  public Boolean suspicious;

  @JsonPropertyDescription("True when the backup left data out (PartiallyFailed): kept 7 days for inspection, never counted by retention, restored only when named by id.")
  public Boolean partial;

  @JsonPropertyDescription("The retention rules that keep this backup: last, hourly, daily, weekly, monthly, yearly, pinned, newest (the newest good backup is never pruned), guard (kept because the newest backup is suspicious), partial (left data out; kept 7 days for inspection).")
  public List<String> keptBy;
}
