package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupEntry;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.DumpSummary;
import dev.lifeboat.api.v1alpha1.DailyRuns;
import dev.lifeboat.api.v1alpha1.RecentRuns;
import dev.lifeboat.api.v1alpha1.RetentionSummary;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.Times;
import dev.lifeboat.retention.BackupRef;
import dev.lifeboat.retention.RetentionDecision;
import dev.lifeboat.retention.RetentionRules;
import dev.lifeboat.retention.RetentionSelector;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Writes the history part of a policy's status: runs started and finished, kept backups, 7-day counts. Pure. */
public final class BackupRecorder {
  static final int MAX_BACKUPS = 100;
  static final int RECENT_DAYS = 7;
  /** keptBy of a partial backup: kept 7 days for inspection, outside retention. */
  static final String PARTIAL_KEPT = "partial";

  /** True when the run with this id has already been written as finished (or was superseded). */
  public boolean isRecorded(BackupPolicyStatus status, String backupId) {
    BackupRun last = status.lastBackup;
    if (last == null || last.id == null || backupId == null) {
      return false;
    }
    int order = backupId.compareTo(last.id);
    return order < 0 || (order == 0 && last.phase != BackupPhase.Running);
  }

  public void started(BackupPolicyStatus status, RunPlanner.Run run, String jobName, Instant now) {
    BackupRun running = new BackupRun();
    running.id = run.backupId();
    running.phase = BackupPhase.Running;
    running.startTime = Times.rfc3339(now);
    running.job = jobName;
    running.trigger = run.trigger().name();
    running.message = run.trigger() == RunPlanner.Trigger.Manual ? "manual backup started" : "scheduled backup started";
    status.lastBackup = running;
    if (run.slot() != null) {
      status.lastScheduleTime = Times.rfc3339(run.slot());
    }
    if (run.manualValue() != null) {
      status.lastManualTrigger = run.manualValue();
    }
  }

  public void finished(BackupPolicyStatus status, JobOutcomeReader.Outcome outcome, RetentionRules rules, Instant now) {
    AgentResult result = outcome.result();
    BackupRun run = new BackupRun();
    run.id = outcome.backupId();
    run.phase = outcome.phase();
    run.startTime = status.lastBackup != null && Objects.equals(status.lastBackup.id, run.id) && status.lastBackup.startTime != null
        ? status.lastBackup.startTime : firstNonNull(outcome.startTime(), result == null ? null : result.startTime());
    // The Job's times come from the cluster, whose clock the operator's agrees with; the agent's are a fallback.
    run.completionTime = firstNonNull(outcome.completionTime(), result == null ? null : result.completionTime(), Times.rfc3339(now));
    run.message = outcome.message();
    run.job = outcome.jobName();
    if (status.lastBackup != null && Objects.equals(status.lastBackup.id, run.id)) {
      run.trigger = status.lastBackup.trigger;
      run.snapshots = status.lastBackup.snapshots; // what the run read, and any snapshot's error
    }
    if (result != null) {
      run.bytes = result.bytes();
      run.files = result.files();
      run.checksum = result.checksum();
      run.warnings = result.warnings();
      run.leftOut = result.omissions();
      run.dumps = dumps(result);
    }
    status.lastBackup = run;
    count(status, Times.parse(run.completionTime), outcome.succeeded());
    if (outcome.phase() == BackupPhase.Failed) {
      return;
    }
    boolean partial = outcome.phase() == BackupPhase.PartiallyFailed;
    Instant completed = Times.parse(run.completionTime);
    Instant previous = Times.parse(status.lastSuccessfulBackup);
    if (!partial && (previous == null || completed.isAfter(previous))) {
      status.lastSuccessfulBackup = run.completionTime;
    }
    BackupEntry entry = new BackupEntry();
    entry.id = run.id;
    entry.time = run.completionTime;
    entry.bytes = run.bytes;
    entry.suspicious = result != null && Boolean.TRUE.equals(result.suspicious()) ? true : null;
    entry.partial = partial ? true : null;
    List<BackupEntry> backups = new ArrayList<>(status.backups == null ? List.of() : status.backups);
    backups.removeIf(b -> entry.id.equals(b.id));
    backups.add(entry);
    AgentResult.Retention retention = result == null ? null : result.retention();
    applyRetention(status, backups, rules, retention);
    if (retention != null) { // the run read every manifest: what it found damaged is the current list
      DamagedBackups.record(status, retention.damaged(), retention.damagedCount(), now);
    }
  }

  private static List<DumpSummary> dumps(AgentResult result) {
    if (result.dumps() == null || result.dumps().isEmpty()) {
      return null;
    }
    return result.dumps().stream().map(d -> {
      DumpSummary summary = new DumpSummary();
      summary.name = d.name();
      summary.size = d.size();
      summary.bytes = d.bytes();
      summary.seconds = d.seconds();
      return summary;
    }).toList();
  }

  /**
   * Records the backups a listing found (safety backups aside) as if this controller had seen them
   * made: the kept list with the rules that keep each (partial ones marked), the newest whole one as
   * the last (successful) backup. Returns how many there are.
   */
  public int discovered(BackupPolicyStatus status, List<ListedBackup> listing, RetentionRules rules) {
    List<ListedBackup> found = listing.stream().filter(b -> !b.preRestore())
        .sorted(Comparator.comparing(ListedBackup::id).reversed()).toList();
    if (found.isEmpty()) {
      return 0;
    }
    List<BackupEntry> backups = new ArrayList<>();
    for (ListedBackup backup : found) {
      BackupEntry entry = new BackupEntry();
      entry.id = backup.id();
      entry.time = backup.time();
      entry.bytes = backup.bytes();
      entry.suspicious = backup.suspicious() ? true : null;
      entry.partial = backup.partial() ? true : null;
      backups.add(entry);
    }
    ListedBackup newest = found.stream().filter(ListedBackup::regular).findFirst().orElse(found.get(0));
    BackupRun run = new BackupRun();
    run.id = newest.id();
    run.phase = newest.partial() ? BackupPhase.PartiallyFailed : BackupPhase.Succeeded;
    run.completionTime = newest.time();
    run.bytes = newest.bytes();
    run.files = newest.files();
    run.message = "found in the repository";
    status.lastBackup = run;
    status.lastSuccessfulBackup = found.stream().filter(ListedBackup::regular).map(ListedBackup::time)
        .max(Comparator.naturalOrder()).orElse(null);
    applyRetention(status, backups, rules, null);
    return found.size();
  }

  /** Keeps the per-day counts to the last 7 UTC days and sums them. */
  public void refreshRecent(BackupPolicyStatus status, Instant now) {
    RecentRuns recent = status.recent == null ? new RecentRuns() : status.recent;
    LocalDate oldest = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(RECENT_DAYS - 1);
    recent.days = new ArrayList<>(recent.days == null ? List.of() : recent.days);
    recent.days.removeIf(d -> LocalDate.parse(d.day).isBefore(oldest));
    recent.succeeded = recent.days.stream().mapToInt(d -> d.succeeded == null ? 0 : d.succeeded).sum();
    recent.failed = recent.days.stream().mapToInt(d -> d.failed == null ? 0 : d.failed).sum();
    recent.window = RECENT_DAYS + "d";
    status.recent = recent;
  }

  private void count(BackupPolicyStatus status, Instant when, boolean succeeded) {
    RecentRuns recent = status.recent == null ? new RecentRuns() : status.recent;
    recent.days = new ArrayList<>(recent.days == null ? List.of() : recent.days);
    String day = LocalDate.ofInstant(when, ZoneOffset.UTC).toString();
    DailyRuns bucket = recent.days.stream().filter(d -> day.equals(d.day)).findFirst().orElseGet(() -> {
      DailyRuns created = new DailyRuns(day, 0, 0);
      recent.days.add(created);
      return created;
    });
    if (succeeded) {
      bucket.succeeded = bucket.succeeded + 1;
    } else {
      bucket.failed = bucket.failed + 1;
    }
    recent.days.sort(Comparator.comparing(d -> d.day));
    status.recent = recent;
  }

  /**
   * Drops what the agent pruned and labels the rest with the rules that keep it. When the agent's
   * pruned-id list was trimmed to fit the termination message, the selector's own verdict (the
   * same code the agent ran) stands in for the missing ids.
   */
  private static void applyRetention(BackupPolicyStatus status, List<BackupEntry> backups, RetentionRules rules,
      AgentResult.Retention reported) {
    Set<String> pruned = new HashSet<>();
    if (reported != null && reported.prunedIds() != null) {
      pruned.addAll(reported.prunedIds());
    }
    backups.removeIf(b -> pruned.contains(b.id));
    // One entry per id, whatever an earlier status held: a repeated id must never stop recording.
    Set<String> seen = new HashSet<>();
    backups.removeIf(b -> !seen.add(b.id));
    List<BackupRef> refs = backups.stream()
        .filter(b -> !Boolean.TRUE.equals(b.partial)) // outside GFS counting, as the agent prunes them
        // Periods come from the id (the start time), exactly as the agent computes them.
        .map(b -> new BackupRef(b.id, Times.fromBackupId(b.id), Boolean.TRUE.equals(b.suspicious)))
        .toList();
    RetentionDecision decision = RetentionSelector.select(refs, rules);
    boolean listTrimmed = reported != null && reported.pruned() != null && reported.pruned() > pruned.size();
    if (listTrimmed) {
      Set<String> selectorPrunes = new HashSet<>();
      decision.prune().forEach(b -> selectorPrunes.add(b.id()));
      backups.removeIf(b -> selectorPrunes.contains(b.id));
    }
    Map<String, List<String>> reasons = new HashMap<>();
    decision.kept().forEach(k -> reasons.put(k.backup().id(), k.reasons().stream().map(r -> r.label()).toList()));
    backups.forEach(b -> b.keptBy = Boolean.TRUE.equals(b.partial) ? List.of(PARTIAL_KEPT)
        : reasons.getOrDefault(b.id, List.of()));
    backups.sort(Comparator.comparing((BackupEntry b) -> b.id).reversed());

    RetentionSummary summary = new RetentionSummary();
    if (reported != null && reported.kept() != null) {
      summary.kept = reported.kept();
      summary.prunedLastRun = reported.pruned();
      summary.oldest = reported.oldest();
      summary.newest = reported.newest();
      summary.bytes = reported.bytes();
    } else {
      summary.kept = backups.size();
      summary.prunedLastRun = pruned.size();
      summary.oldest = backups.isEmpty() ? null : backups.get(backups.size() - 1).time;
      summary.newest = backups.isEmpty() ? null : backups.get(0).time;
      summary.bytes = backups.stream().mapToLong(b -> b.bytes == null ? 0 : b.bytes).sum();
    }
    status.retention = summary;
    status.backups = new ArrayList<>(backups.subList(0, Math.min(MAX_BACKUPS, backups.size())));
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}
