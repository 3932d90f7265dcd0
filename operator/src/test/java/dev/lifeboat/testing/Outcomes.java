package dev.lifeboat.testing;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Times;
import java.time.Instant;
import java.util.List;

/**
 * Finished backup runs of the fixture policy, as the operator reads them from a Job: the agent's
 * result plus the Job's times. A run completes {@link #RUN_SECONDS} after the start its id names.
 */
public final class Outcomes {
  public static final long RUN_SECONDS = 41;

  private Outcomes() {}

  /** The id of a run started at the given UTC time, e.g. {@code 2025-11-09T02:00:00Z} → {@code 20251109T020000Z}. */
  public static String idAt(String rfc3339) {
    return Times.backupId(Instant.parse(rfc3339));
  }

  /** When the run with this id completes. */
  public static String completionOf(String backupId) {
    return Times.rfc3339(Times.fromBackupId(backupId).plusSeconds(RUN_SECONDS));
  }

  /** A successful run whose agent reported no retention outcome. */
  public static JobOutcomeReader.Outcome succeeded(String backupId, long bytes) {
    return succeeded(backupId, bytes, null);
  }

  /** A successful run with the retention outcome the agent reported. */
  public static JobOutcomeReader.Outcome succeeded(String backupId, long bytes, AgentResult.Retention retention) {
    String start = Times.rfc3339(Times.fromBackupId(backupId));
    String end = completionOf(backupId);
    AgentResult result = new AgentResult(AgentResult.CURRENT_VERSION, "backup", backupId, BackupPhase.Succeeded,
        start, end, bytes, 3L, "sha256:" + "ab".repeat(32), (double) RUN_SECONDS, null,
        "backed up 3 files", retention);
    return new JobOutcomeReader.Outcome(backupId, jobName(backupId), BackupPhase.Succeeded, result, result.message(), start, end);
  }

  /** A run whose agent stored the backup but left these out (its Job failed on purpose, so it is not retried). */
  public static JobOutcomeReader.Outcome partial(String backupId, long bytes, String... leftOut) {
    String start = Times.rfc3339(Times.fromBackupId(backupId));
    String end = completionOf(backupId);
    String message = "PARTIAL: " + leftOut.length + " left out: " + String.join("; ", leftOut)
        + "; backed up 3 files of 1 volume(s); kept 7 days for inspection, retention not applied";
    AgentResult result = new AgentResult(AgentResult.CURRENT_VERSION, "backup", backupId, BackupPhase.PartiallyFailed,
        start, end, bytes, 3L, "sha256:" + "cd".repeat(32), (double) RUN_SECONDS, null, message, null, null,
        List.of(leftOut));
    return new JobOutcomeReader.Outcome(backupId, jobName(backupId), BackupPhase.PartiallyFailed, result, message, start,
        end);
  }

  /** A successful run that noticed these (a log appended while read, a socket). */
  public static JobOutcomeReader.Outcome succeededWithWarnings(String backupId, long bytes, String... warnings) {
    JobOutcomeReader.Outcome plain = succeeded(backupId, bytes);
    AgentResult r = plain.result();
    String message = r.message() + "; " + warnings.length + " warning(s): " + String.join("; ", warnings);
    AgentResult result = new AgentResult(r.version(), r.command(), r.id(), r.phase(), r.startTime(), r.completionTime(),
        r.bytes(), r.files(), r.checksum(), r.durationSeconds(), r.suspicious(), message, r.retention(),
        List.of(warnings), null);
    return new JobOutcomeReader.Outcome(backupId, plain.jobName(), BackupPhase.Succeeded, result, message,
        plain.startTime(), plain.completionTime());
  }

  /** A run whose agent exited with an error line and no result. */
  public static JobOutcomeReader.Outcome failed(String backupId, String message) {
    String start = Times.rfc3339(Times.fromBackupId(backupId));
    return new JobOutcomeReader.Outcome(backupId, jobName(backupId), BackupPhase.Failed, null, message, start, completionOf(backupId));
  }

  /** The retention part of an agent result: counts as reported, newest/oldest left out. */
  public static AgentResult.Retention retention(int kept, int pruned, String... prunedIds) {
    return new AgentResult.Retention(kept, pruned, List.of(prunedIds), null, null, null, null);
  }

  private static String jobName(String backupId) {
    return JobNames.backupJob(Fixtures.POLICY, backupId);
  }
}
