package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.api.v1alpha1.schema.ConditionSchema;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Written only by the operator; everything in it is derived from Jobs, their results and the clock. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupPolicyStatus {
  @JsonPropertyDescription("The metadata.generation this status was computed for.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready, BackupOverdue, LastBackupSucceeded, BackupSuspicious, BackupsDamaged, VerificationOverdue, LastVerificationSucceeded, IdentityResolved.")
  @SchemaFrom(type = ConditionSchema[].class)
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The most recent backup run, running or finished.")
  public BackupRun lastBackup;

  @JsonPropertyDescription("Completion time of the newest successful backup (RFC 3339).")
  public String lastSuccessfulBackup;

  @JsonPropertyDescription("When the next scheduled backup starts (RFC 3339); absent while suspended or invalid.")
  public String nextBackup;

  @JsonPropertyDescription("The scheduled time of the last run started by the schedule (RFC 3339); missed runs after it are caught up once.")
  public String lastScheduleTime;

  @JsonPropertyDescription("The value of spec.trigger.manual that was last acted on.")
  public String lastManualTrigger;

  @JsonPropertyDescription("Outcome of the last restore drill (spec.verify), or the one running.")
  public VerificationResult lastVerification;

  @JsonPropertyDescription("When the newest successful restore drill finished (RFC 3339); VerificationOverdue counts from it.")
  public String lastSuccessfulVerification;

  @JsonPropertyDescription("When the next restore drill starts (RFC 3339); absent without spec.verify.schedule.")
  public String nextVerification;

  @JsonPropertyDescription("The scheduled time of the last drill started or skipped (no good backup yet) by spec.verify.schedule.")
  public String lastVerificationScheduleTime;

  @JsonPropertyDescription("The one-time listing of backups already in the repository, done before the first run (e.g. a policy re-applied into a new cluster).")
  public RepositoryDiscovery discovery;

  @JsonPropertyDescription("Summary of the backups kept in the repository after the last run.")
  public RetentionSummary retention;

  @JsonPropertyDescription("Backups in the repository, newest first, at most 100 entries; retention counts stay exact.")
  public List<BackupEntry> backups = new ArrayList<>();

  @JsonPropertyDescription("Backups in the repository whose manifest.json cannot be read (corrupt, empty, a newer format version, a required field missing), newest first, as the last backup run or repository listing found them: restores skip them, retention neither counts nor deletes them. Repair or delete them by hand. Absent when none.")
  public List<DamagedBackupEntry> damagedBackups;

  @JsonPropertyDescription("Succeeded and failed runs over the last 7 days.")
  public RecentRuns recent;
}
