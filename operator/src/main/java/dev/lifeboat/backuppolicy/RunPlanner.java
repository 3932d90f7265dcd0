package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.common.Times;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Decides whether a backup run starts now. Missed slots collapse into one catch-up run (like a
 * CronJob with concurrencyPolicy Forbid): after days of downtime there is one run, not one per day.
 * Everything it needs is in the persisted status, so a restarted operator decides the same.
 */
public final class RunPlanner {
  public enum Trigger { Scheduled, Manual }

  /** A run to start: its backup id, why, and what to record so it is not started twice. */
  public record Run(String backupId, Trigger trigger, Instant slot, String manualValue) {}

  /** {@code next} is the next scheduled instant, empty when suspended. */
  public record Plan(Optional<Run> run, Optional<Instant> next) {}

  public Plan plan(BackupPolicy policy, BackupPolicyStatus status, boolean runActive, Instant now) {
    var spec = policy.getSpec();
    ZoneId zone = ZoneId.of(spec.timeZone == null || spec.timeZone.isBlank() ? "UTC" : spec.timeZone);
    BackupSchedule schedule = BackupSchedule.parse(spec.schedule, zone);
    if (Boolean.TRUE.equals(spec.suspend)) {
      return new Plan(Optional.empty(), Optional.empty());
    }
    Optional<Instant> next = schedule.nextAfter(now);
    Instant reference = Optional.ofNullable(Times.parse(status.lastScheduleTime))
        .orElseGet(() -> Times.parse(policy.getMetadata().getCreationTimestamp()));
    Optional<Instant> dueSlot = schedule.latestAtOrBefore(now).filter(slot -> reference == null || slot.isAfter(reference));
    String manual = spec.trigger == null ? null : spec.trigger.manual;
    boolean manualPending = manual != null && !manual.isBlank() && !manual.equals(status.lastManualTrigger);
    if (runActive || (dueSlot.isEmpty() && !manualPending)) {
      return new Plan(Optional.empty(), next);
    }
    Trigger trigger = manualPending ? Trigger.Manual : Trigger.Scheduled;
    return new Plan(Optional.of(new Run(backupId(status, now), trigger, dueSlot.orElse(null), manualPending ? manual : null)), next);
  }

  /** The start time, nudged past the previous run's id so two runs never share an id (and a Job name). */
  private static String backupId(BackupPolicyStatus status, Instant now) {
    String id = Times.backupId(now);
    String previous = status.lastBackup == null ? null : status.lastBackup.id;
    if (previous != null && id.compareTo(previous) <= 0) {
      id = Times.backupId(Times.fromBackupId(previous).plusSeconds(1));
    }
    return id;
  }
}
