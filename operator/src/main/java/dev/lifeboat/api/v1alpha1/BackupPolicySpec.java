package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupPolicySpec {
  @Required
  @Pattern("^(@(hourly|daily|weekly|monthly|yearly|annually|midnight)|\\S+(\\s+\\S+){4})$")
  @JsonPropertyDescription("When to back up: a 5-field cron expression (minute hour day-of-month month day-of-week), or @hourly, @daily, @weekly, @monthly, @yearly. Evaluated in timeZone.")
  public String schedule;

  @Default("UTC")
  @JsonPropertyDescription("IANA time zone the schedule is evaluated in, e.g. Europe/Berlin. Defaults to UTC.")
  public String timeZone = "UTC";

  @JsonPropertyDescription("When true, no new backup runs start; running ones finish. Status and alerts keep being evaluated.")
  public Boolean suspend;

  @JsonPropertyDescription("Out-of-schedule runs.")
  public Trigger trigger;

  @Required
  @JsonPropertyDescription("What to back up: PersistentVolumeClaims of this namespace, and/or the output of dump commands.")
  public BackupSource source;

  @Default("Direct")
  @JsonPropertyDescription("Direct mounts the live PVC read-only; Snapshot takes a CSI VolumeSnapshot first and backs up a temporary PVC made from it.")
  public CopyMethod copyMethod = CopyMethod.Direct;

  @JsonPropertyDescription("VolumeSnapshotClass to use when copyMethod is Snapshot; empty means the cluster default.")
  public String volumeSnapshotClassName;

  @Min(1)
  @Default("600")
  @JsonPropertyDescription("Seconds a VolumeSnapshot may take to become ready to use before the run fails, when copyMethod is Snapshot. Default 600.")
  public Integer snapshotTimeoutSeconds = 600;

  @JsonPropertyDescription("Commands run in application pods before and after the copy, for application-consistent backups (e.g. sqlite3 .backup, pg_dump).")
  public Hooks hooks;

  @Required
  @JsonPropertyDescription("Where backups are stored.")
  public Destination destination;

  @JsonPropertyDescription("Optional client-side encryption of every archive; without it, backups restore by hand with zstd and tar.")
  public Encryption encryption;

  @Default("zstd")
  @JsonPropertyDescription("Archive compression: zstd (default), gzip or none.")
  public Compression compression = Compression.zstd;

  @Required
  @ValidationRule(value = "(has(self.keepLast) && self.keepLast > 0) || (has(self.keepHourly) && self.keepHourly > 0) || (has(self.keepDaily) && self.keepDaily > 0) || (has(self.keepWeekly) && self.keepWeekly > 0) || (has(self.keepMonthly) && self.keepMonthly > 0) || (has(self.keepYearly) && self.keepYearly > 0)",
      message = "retention needs at least one keep rule greater than 0")
  @JsonPropertyDescription("Which backups to keep, with restic 'forget --keep-*' semantics. At least one keep rule must be greater than 0.")
  public Retention retention;

  @JsonPropertyDescription("Thresholds for the BackupOverdue and BackupSuspicious conditions.")
  public Alerts alerts;

  @JsonPropertyDescription("Scheduled restore drills that download a backup and check every checksum.")
  public VerifySpec verify;

  @JsonPropertyDescription("Overrides for the backup Job's pod: resources, placement, deadlines, retries, pod security context.")
  public JobTemplate jobTemplate;
}
