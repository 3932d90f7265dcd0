package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupRun {
  @JsonPropertyDescription("Backup id: the UTC start time, e.g. 20251109T020000Z.")
  public String id;

  @JsonPropertyDescription("Running, Succeeded, PartiallyFailed (stored, but data was left out: see leftOut) or Failed.")
  public BackupPhase phase;

  @JsonPropertyDescription("Why the run started: Scheduled or Manual.")
  public String trigger;

  @JsonPropertyDescription("Where a running backup is: BeforeHooks, Snapshotting, AfterHooks or Copying. Unset for a copyMethod: Direct run without hooks, which only copies.")
  public RunStage stage;

  @JsonPropertyDescription("When the current stage began (RFC 3339); a stage's timeout counts from it.")
  public String stageStartTime;

  @JsonPropertyDescription("With copyMethod: Snapshot, each claim's VolumeSnapshot and temporary claim.")
  public List<ClaimSnapshot> snapshots;

  @JsonPropertyDescription("When the run started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the run finished (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("Bytes stored in the repository for this backup (compressed archives).")
  public Long bytes;

  @JsonPropertyDescription("Files in the backup.")
  public Long files;

  @JsonPropertyDescription("SHA-256 of the backup's manifest, sha256:<hex>.")
  public String checksum;

  @JsonPropertyDescription("The agent's one-line summary or error.")
  public String message;

  @JsonPropertyDescription("Why a failed run failed, when Lifeboat knows more than BackupFailed: SnapshotsUnavailable, SnapshotFailed or SnapshotTimeout. It is the reason of the LastBackupSucceeded condition.")
  public String reason;

  @JsonPropertyDescription("The Job that ran the backup.")
  public String job;

  @JsonPropertyDescription("What the backup noticed but still holds all the data of, e.g. a file that kept changing while read (first few; the message gives the count).")
  public List<String> warnings;

  @JsonPropertyDescription("Data the backup left out, e.g. files it could not read, with their owner (first few; the message gives the count).")
  public List<String> leftOut;

  @JsonPropertyDescription("True once the run's first before hook started: its after hooks then always run.")
  public Boolean hooksStarted;

  @JsonPropertyDescription("Why the run ends Failed once its after hooks ran (e.g. a before hook failed); empty while nothing went wrong.")
  public String failure;

  @JsonPropertyDescription("Each hook command run, in order, with its outcome and output tail.")
  public List<HookResult> hooks;

  @JsonPropertyDescription("The dumps of spec.source.dumps the backup holds, with their sizes.")
  public List<DumpSummary> dumps;
}
