package dev.lifeboat.helm;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.RecentRuns;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RetentionSummary;
import dev.lifeboat.metrics.OperatorMetrics;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Prometheus series names the operator really serves, as the chart's alerts may use them: read
 * from a scrape of the operator's own metrics registry, after a policy whose status has every field
 * set, a backup of each result and a restore. JVM, process and SDK metrics are in it too.
 */
public final class ExportedMetrics {
  public static final Set<String> EXPORTED_METRICS = scrapedNames();

  /** Series that Prometheus itself writes for every target. */
  public static final Set<String> PROMETHEUS_SERIES = Set.of("up");

  private ExportedMetrics() {}

  private static Set<String> scrapedNames() {
    OperatorMetrics metrics = new OperatorMetrics(() -> List.of(everythingKnown()));
    for (BackupPhase phase : List.of(BackupPhase.Succeeded, BackupPhase.PartiallyFailed, BackupPhase.Failed)) {
      metrics.runs().backupFinished(Fixtures.NAMESPACE, Fixtures.POLICY, phase);
    }
    metrics.runs().restoreFinished(Fixtures.NAMESPACE, RestorePhase.Succeeded, Duration.ofSeconds(30));
    return metrics.scrape().lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("[{ ]", 2)[0])
        .collect(Collectors.toUnmodifiableSet());
  }

  private static BackupPolicy everythingKnown() {
    BackupPolicy policy = Fixtures.dailyPolicy();
    BackupPolicyStatus status = new BackupPolicyStatus();
    status.lastSuccessfulBackup = "2025-11-09T02:00:41Z";
    status.lastSuccessfulVerification = "2025-11-09T04:03:00Z";
    status.lastBackup = new BackupRun();
    status.lastBackup.phase = BackupPhase.Succeeded;
    status.lastBackup.startTime = "2025-11-09T02:00:00Z";
    status.lastBackup.completionTime = "2025-11-09T02:00:41Z";
    status.lastBackup.bytes = 1000L;
    status.lastBackup.files = 3L;
    status.recent = new RecentRuns();
    status.recent.succeeded = 7;
    status.recent.failed = 0;
    status.retention = new RetentionSummary();
    status.retention.kept = 7;
    status.retention.bytes = 7000L;
    status.damagedBackups = List.of();
    for (String type : List.of(ConditionTypes.LAST_BACKUP_SUCCEEDED, ConditionTypes.BACKUP_OVERDUE,
        ConditionTypes.BACKUP_SUSPICIOUS, ConditionTypes.VERIFICATION_OVERDUE)) {
      status.conditions.add(new ConditionBuilder().withType(type).withStatus("False").withReason("Test").build());
    }
    policy.setStatus(status);
    return policy;
  }
}
