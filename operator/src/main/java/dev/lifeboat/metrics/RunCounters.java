package dev.lifeboat.metrics;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.common.RunMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Runs that ended since the operator started: {@code lifeboat_backups_total{namespace,policy,result}},
 * {@code lifeboat_restores_total{namespace,result}} and {@code lifeboat_restore_duration_seconds}.
 * Prometheus sees a restart as a counter reset and {@code increase()} handles it.
 */
final class RunCounters implements RunMetrics {
  static final String BACKUPS = "lifeboat.backups";
  static final String RESTORES = "lifeboat.restores";
  static final String RESTORE_DURATION = "lifeboat.restore.duration";
  private final MeterRegistry registry;

  RunCounters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void backupFinished(String namespace, String policy, BackupPhase phase) {
    Counter.builder(BACKUPS).description("Backup runs that ended, by result, since the operator started")
        .tags("namespace", namespace, "policy", policy, "result", result(phase.name()))
        .register(registry).increment();
  }

  @Override
  public void restoreFinished(String namespace, RestorePhase phase, Duration took) {
    String result = result(phase.name());
    Counter.builder(RESTORES).description("RestoreRequests that ended, by result, since the operator started")
        .tags("namespace", namespace, "result", result).register(registry).increment();
    if (took != null && !took.isNegative()) {
      Timer.builder(RESTORE_DURATION).description("How long RestoreRequests took, from start to end")
          .tags("namespace", namespace, "result", result).register(registry).record(took);
    }
  }

  /** Drops the backup counters of policies that no longer exist (a deleted policy leaves the metrics). */
  void forgetAllBut(Set<PolicyKey> policies) {
    for (Meter meter : registry.find(BACKUPS).meters()) {
      PolicyKey key = new PolicyKey(meter.getId().getTag("namespace"), meter.getId().getTag("policy"));
      if (!policies.contains(key)) {
        registry.remove(meter);
      }
    }
  }

  /** PartiallyFailed → partially_failed: Prometheus label values are snake case. */
  static String result(String phase) {
    return phase.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
