package dev.lifeboat.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.lifeboat.api.v1alpha1.Alerts;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.DamagedBackupEntry;
import dev.lifeboat.api.v1alpha1.RecentRuns;
import dev.lifeboat.api.v1alpha1.RetentionSummary;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyGaugesTest {
  static BackupPolicy policy(BackupPolicyStatus status) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.setStatus(status);
    return policy;
  }

  static void condition(BackupPolicyStatus status, String type, String value) {
    status.conditions.add(new ConditionBuilder().withType(type).withStatus(value).withReason("Test").build());
  }

  @Test
  void aNewPolicyHasOnlyItsMaxAgeNoMadeUpZeros() {
    assertThat(PolicyGauges.of(policy(null))).containsExactly(entry("lifeboat_backup_max_age_seconds", 26 * 3600.0));
  }

  @Test
  void everyGaugeIsReadFromStatus() {
    BackupPolicyStatus status = new BackupPolicyStatus();
    status.lastSuccessfulBackup = "2025-11-09T02:00:41Z";
    status.lastBackup = new BackupRun();
    status.lastBackup.phase = BackupPhase.PartiallyFailed;
    status.lastBackup.startTime = "2025-11-10T02:00:00Z";
    status.lastBackup.completionTime = "2025-11-10T02:01:30.500Z";
    status.lastBackup.bytes = 900_000L;
    status.lastBackup.files = 3L;
    status.recent = new RecentRuns();
    status.recent.succeeded = 19;
    status.recent.failed = 1;
    status.retention = new RetentionSummary();
    status.retention.kept = 7;
    status.retention.bytes = 6_300_000L;
    status.lastSuccessfulVerification = "2025-11-01T03:00:00Z";
    status.damagedBackups = List.of(new DamagedBackupEntry("20251102T020000Z", "…/manifest.json is empty (0 bytes)",
        "2025-11-10T02:01:30Z"));
    condition(status, ConditionTypes.LAST_BACKUP_SUCCEEDED, "False");
    condition(status, ConditionTypes.BACKUP_OVERDUE, "False");
    condition(status, ConditionTypes.BACKUP_SUSPICIOUS, "True");
    condition(status, ConditionTypes.VERIFICATION_OVERDUE, "False");
    BackupPolicy policy = policy(status);
    policy.getSpec().alerts = new Alerts();
    policy.getSpec().alerts.maxAge = "2d";

    Map<String, Double> gauges = PolicyGauges.of(policy);

    assertThat(gauges).containsOnly(
        entry("lifeboat_backup_max_age_seconds", 48 * 3600.0),
        entry("lifeboat_backup_last_success_timestamp_seconds", 1762653641.0),
        entry("lifeboat_backup_last_size_bytes", 900_000.0),
        entry("lifeboat_backup_last_files", 3.0),
        entry("lifeboat_backup_last_duration_seconds", 90.5),
        entry("lifeboat_backup_last_failed", 1.0),
        entry("lifeboat_backup_success_ratio_7d", 0.95),
        entry("lifeboat_backup_overdue", 0.0),
        entry("lifeboat_backup_suspicious", 1.0),
        entry("lifeboat_backups_kept", 7.0),
        entry("lifeboat_backups_kept_bytes", 6_300_000.0),
        entry("lifeboat_backups_damaged", 1.0),
        entry("lifeboat_verification_overdue", 0.0),
        entry("lifeboat_verification_last_success_timestamp_seconds", 1761966000.0));
    assertThat(PolicyGauges.HELP).containsKeys(gauges.keySet().toArray(String[]::new));
  }

  @Test
  void aRunStillGoingShowsTheLastFinishedRunsOutcomeButNotItsSize() {
    BackupPolicyStatus status = new BackupPolicyStatus();
    status.lastBackup = new BackupRun();
    status.lastBackup.phase = BackupPhase.Running;
    status.lastBackup.startTime = "2025-11-10T02:00:00Z";
    condition(status, ConditionTypes.LAST_BACKUP_SUCCEEDED, "True");

    assertThat(PolicyGauges.of(policy(status)))
        .containsEntry("lifeboat_backup_last_failed", 0.0)
        .doesNotContainKeys("lifeboat_backup_last_size_bytes", "lifeboat_backup_last_duration_seconds",
            "lifeboat_backup_success_ratio_7d", "lifeboat_backup_last_success_timestamp_seconds",
            "lifeboat_backups_damaged");
  }

  @Test
  void resultLabelsAreSnakeCase() {
    assertThat(RunCounters.result("PartiallyFailed")).isEqualTo("partially_failed");
    assertThat(RunCounters.result("Succeeded")).isEqualTo("succeeded");
  }
}
