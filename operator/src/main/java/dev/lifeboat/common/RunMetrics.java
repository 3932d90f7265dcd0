package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import java.time.Duration;

/**
 * What the controllers tell the metrics when a run ends: counts since the operator started. Gauges
 * need no telling; they are read from the objects' status.
 */
public interface RunMetrics {
  /** Metrics off (tests that do not look at them). */
  RunMetrics NONE = new RunMetrics() {
    @Override
    public void backupFinished(String namespace, String policy, BackupPhase phase) {}

    @Override
    public void restoreFinished(String namespace, RestorePhase phase, Duration took) {}
  };

  /** A backup run of {@code policy} ended Succeeded, PartiallyFailed or Failed. */
  void backupFinished(String namespace, String policy, BackupPhase phase);

  /** A RestoreRequest ended; {@code took} from its start, null when unknown. */
  void restoreFinished(String namespace, RestorePhase phase, Duration took);
}
