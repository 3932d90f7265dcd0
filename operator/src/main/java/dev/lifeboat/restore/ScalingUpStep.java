package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Scales back to the recorded counts, whatever happened before — a failed restore must not leave
 * the app down — and ends the restore.
 */
final class ScalingUpStep implements RestoreStep {
  private final WorkloadScaler scaler;

  ScalingUpStep(WorkloadScaler scaler) {
    this.scaler = scaler;
  }

  /** Runs after failures too, including a source that can no longer be resolved. */
  @Override
  public boolean readsSource() {
    return false;
  }

  @Override
  public Optional<Duration> advance(RestoreRun run) {
    List<ScaleTarget> scaledDown = run.status.scaledDown;
    if (scaledDown != null && !scaledDown.isEmpty()) {
      List<String> gone = new ArrayList<>();
      for (ScaleTarget workload : scaledDown) {
        if (!scaler.scale(run.namespace, workload, workload.replicas == null ? 1 : workload.replicas)) {
          gone.add(WorkloadScaler.describe(workload));
        }
      }
      String scaledBack = scaledDown.stream()
          .filter(w -> !gone.contains(WorkloadScaler.describe(w)))
          .map(w -> WorkloadScaler.describe(w) + " to " + w.replicas)
          .collect(Collectors.joining(", "));
      String note = (scaledBack.isEmpty() ? "" : "scaled " + scaledBack + " again")
          + (gone.isEmpty() ? "" : (scaledBack.isEmpty() ? "" : "; ") + String.join(", ", gone)
              + " no longer exist(s), not scaled back");
      run.conditions.set(ConditionTypes.WORKLOADS_SCALED_DOWN, false, Reasons.SCALED_BACK, note);
      run.status.message = run.status.message == null ? note : run.status.message + "; " + note;
    }
    return run.finish();
  }
}
