package dev.lifeboat.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.testing.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
  final List<BackupPolicy> policies = new ArrayList<>(List.of(Fixtures.dailyPolicy()));
  final OperatorMetrics metrics = new OperatorMetrics(() -> List.copyOf(policies));

  @Test
  void runsAreCountedByResultWithPrometheusNames() {
    metrics.runs().backupFinished("rose", "rose-memory", BackupPhase.Succeeded);
    metrics.runs().backupFinished("rose", "rose-memory", BackupPhase.PartiallyFailed);
    metrics.runs().backupFinished("rose", "rose-memory", BackupPhase.PartiallyFailed);
    metrics.runs().restoreFinished("rose", RestorePhase.Failed, Duration.ofSeconds(42));

    String text = metrics.scrape();

    assertThat(text)
        .contains("lifeboat_backups_total{namespace=\"rose\",policy=\"rose-memory\",result=\"succeeded\"} 1")
        .contains("lifeboat_backups_total{namespace=\"rose\",policy=\"rose-memory\",result=\"partially_failed\"} 2")
        .contains("lifeboat_restores_total{namespace=\"rose\",result=\"failed\"} 1")
        .contains("lifeboat_restore_duration_seconds_count{namespace=\"rose\",result=\"failed\"} 1")
        .contains("lifeboat_restore_duration_seconds_sum{namespace=\"rose\",result=\"failed\"} 42")
        .contains("# HELP lifeboat_backup_max_age_seconds");
  }

  @Test
  void aDeletedPolicyLeavesGaugesAndCounters() {
    metrics.runs().backupFinished("rose", "rose-memory", BackupPhase.Failed);
    assertThat(metrics.scrape()).contains("policy=\"rose-memory\"");

    policies.clear();

    assertThat(metrics.scrape()).doesNotContain("policy=\"rose-memory\"");
  }
}
