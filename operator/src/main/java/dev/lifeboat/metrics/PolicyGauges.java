package dev.lifeboat.metrics;

import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUP_OVERDUE;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUP_SUSPICIOUS;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.LAST_BACKUP_SUCCEEDED;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.VERIFICATION_OVERDUE;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.PolicyAlerts;
import dev.lifeboat.common.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-policy gauges, read from a BackupPolicy's status alone — so they are right after an
 * operator restart, and a policy's series go when the policy goes. Pure. A value that is not known
 * (no successful backup yet, no run finished) has no series rather than a made-up 0.
 */
final class PolicyGauges {
  /** Each gauge: its Prometheus name and help text, in the order they are exported. */
  static final Map<String, String> HELP = help();

  private PolicyGauges() {}

  private static Map<String, String> help() {
    Map<String, String> help = new LinkedHashMap<>();
    help.put("lifeboat_backup_last_success_timestamp_seconds", "When the newest successful backup completed (Unix time)");
    help.put("lifeboat_backup_last_size_bytes", "Bytes the most recent finished backup run holds in the repository (shared archives included)");
    help.put("lifeboat_backup_last_duration_seconds", "How long the most recent finished backup run took");
    help.put("lifeboat_backup_last_files", "Files in the most recent finished backup run");
    help.put("lifeboat_backup_last_failed", "1 when the most recent finished run failed or left data out (LastBackupSucceeded=False)");
    help.put("lifeboat_backup_success_ratio_7d", "Succeeded runs / finished runs over the last 7 days (status.recent)");
    help.put("lifeboat_backup_overdue", "1 while BackupOverdue is True");
    help.put("lifeboat_backup_suspicious", "1 while BackupSuspicious is True");
    help.put("lifeboat_backup_max_age_seconds", "The policy's alerts.maxAge: BackupOverdue's threshold");
    help.put("lifeboat_backups_kept", "Backups kept in the repository after the last run");
    help.put("lifeboat_backups_kept_bytes", "Bytes of all kept backups");
    help.put("lifeboat_backups_damaged", "Backups in the repository whose manifest cannot be read (status.damagedBackups)");
    help.put("lifeboat_verification_overdue", "1 while VerificationOverdue is True");
    help.put("lifeboat_verification_last_success_timestamp_seconds", "When the last successful restore drill finished (Unix time)");
    return help;
  }

  /** The gauges of one policy that have a value, by name. */
  static Map<String, Double> of(BackupPolicy policy) {
    Map<String, Double> values = new LinkedHashMap<>();
    BackupPolicyStatus status = policy.getStatus();
    values.put("lifeboat_backup_max_age_seconds", (double) PolicyAlerts.maxAge(policy).getSeconds());
    if (status == null) {
      return values;
    }
    put(values, "lifeboat_backup_last_success_timestamp_seconds", seconds(Times.parse(status.lastSuccessfulBackup)));
    BackupRun last = status.lastBackup;
    if (last != null && last.phase != null && last.phase != BackupPhase.Running) {
      put(values, "lifeboat_backup_last_size_bytes", last.bytes == null ? null : last.bytes.doubleValue());
      put(values, "lifeboat_backup_last_files", last.files == null ? null : last.files.doubleValue());
      Instant start = Times.parse(last.startTime);
      Instant end = Times.parse(last.completionTime);
      put(values, "lifeboat_backup_last_duration_seconds",
          start == null || end == null ? null : Duration.between(start, end).toMillis() / 1000.0);
    }
    flag(values, "lifeboat_backup_last_failed", status, LAST_BACKUP_SUCCEEDED, "False");
    if (status.recent != null && status.recent.succeeded != null && status.recent.failed != null
        && status.recent.succeeded + status.recent.failed > 0) {
      values.put("lifeboat_backup_success_ratio_7d",
          status.recent.succeeded / (double) (status.recent.succeeded + status.recent.failed));
    }
    flag(values, "lifeboat_backup_overdue", status, BACKUP_OVERDUE, "True");
    flag(values, "lifeboat_backup_suspicious", status, BACKUP_SUSPICIOUS, "True");
    if (status.retention != null) {
      put(values, "lifeboat_backups_kept", status.retention.kept == null ? null : status.retention.kept.doubleValue());
      put(values, "lifeboat_backups_kept_bytes", status.retention.bytes == null ? null : status.retention.bytes.doubleValue());
    }
    if (status.damagedBackups != null) { // null until the repository was first read: no made-up 0
      values.put("lifeboat_backups_damaged", (double) status.damagedBackups.size());
    }
    flag(values, "lifeboat_verification_overdue", status, VERIFICATION_OVERDUE, "True");
    put(values, "lifeboat_verification_last_success_timestamp_seconds", seconds(Times.parse(status.lastSuccessfulVerification)));
    return values;
  }

  /** 1 when the condition has {@code status}, 0 when it has another; no series while the condition is not set. */
  private static void flag(Map<String, Double> values, String name, BackupPolicyStatus status, String type, String when) {
    Conditions.find(status.conditions == null ? List.of() : status.conditions, type)
        .ifPresent(c -> values.put(name, when.equals(c.getStatus()) ? 1.0 : 0.0));
  }

  private static void put(Map<String, Double> values, String name, Double value) {
    if (value != null) {
      values.put(name, value);
    }
  }

  private static Double seconds(Instant instant) {
    return instant == null ? null : instant.toEpochMilli() / 1000.0;
  }
}
