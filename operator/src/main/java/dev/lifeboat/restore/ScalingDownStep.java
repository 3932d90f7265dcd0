package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Stops the writers listed in spec.scaleDown and waits until none of their pods runs. Without
 * spec.scaleDown, says whether the target is in use (refusing a ReadWriteOncePod volume in use).
 */
final class ScalingDownStep implements RestoreStep {
  /** Real time between looks while pods stop. */
  static final Duration POLL = Duration.ofSeconds(2);
  /** Operator-clock time the scaled-down pods get to stop before the restore gives up. */
  static final Duration TIMEOUT = Duration.ofMinutes(5);
  private final WorkloadScaler scaler;
  private final TargetClaim targets;

  ScalingDownStep(WorkloadScaler scaler, TargetClaim targets) {
    this.scaler = scaler;
    this.targets = targets;
  }

  @Override
  public Optional<Duration> advance(RestoreRun run) {
    if (run.spec.scaleDown == null || run.spec.scaleDown.isEmpty()) {
      return notRequested(run);
    }
    if (run.status.scaledDown == null) {
      Checked<List<ScaleTarget>> recorded = scaler.withReplicas(run.namespace, run.spec.scaleDown);
      if (!recorded.ok()) {
        return run.fail(ConditionTypes.WORKLOADS_SCALED_DOWN, recorded.problem());
      }
      run.status.scaledDown = recorded.value();
      String scaling = "scaling " + describe(run.status.scaledDown) + " to 0";
      run.conditions.set(ConditionTypes.WORKLOADS_SCALED_DOWN, false, Reasons.SCALING_DOWN, scaling);
      // The replica counts are in the API server before anything is scaled: a restart can always scale back.
      run.persist();
      run.normalEvent(Reasons.SCALING_DOWN, scaling);
    }
    for (ScaleTarget workload : run.status.scaledDown) {
      scaler.scale(run.namespace, workload, 0);
    }
    List<String> remaining = scaler.remainingPods(run.namespace, run.status.scaledDown);
    if (!remaining.isEmpty()) {
      Instant since = run.conditions.find(ConditionTypes.WORKLOADS_SCALED_DOWN)
          .map(c -> Times.parse(c.getLastTransitionTime())).orElse(run.now);
      if (!run.now.isBefore(since.plus(TIMEOUT))) {
        return run.fail(ConditionTypes.WORKLOADS_SCALED_DOWN, Reasons.SCALE_DOWN_TIMEOUT, "pod(s) "
            + String.join(", ", remaining) + " still running " + TIMEOUT.toMinutes()
            + " minutes after scaling down; the restore did not start");
      }
      run.status.message = "waiting for pod(s) " + String.join(", ", remaining) + " to stop";
      return Optional.of(POLL);
    }
    run.conditions.set(ConditionTypes.WORKLOADS_SCALED_DOWN, true, Reasons.SCALED_DOWN,
        describe(run.status.scaledDown) + " scaled to 0; no pod runs");
    return run.moveTo(RestoreStage.SafetyBackup);
  }

  /** Nothing to scale: restore underneath a running app (warned), unless its volume allows one pod only. */
  private Optional<Duration> notRequested(RestoreRun run) {
    run.conditions.set(ConditionTypes.WORKLOADS_SCALED_DOWN, false, Reasons.NOT_REQUESTED, "spec.scaleDown is empty");
    if (run.intoCommand()) {
      return run.moveTo(RestoreStage.SafetyBackup); // no volume that pods could hold
    }
    List<Pod> holders = targets.podsUsing(run.namespace, run.target);
    if (!holders.isEmpty()) {
      String holder = holders.get(0).getMetadata().getName();
      if (targets.accessModes(run.namespace, run.target).contains("ReadWriteOncePod")) {
        return run.fail(ConditionTypes.RESTORED, Reasons.CLAIM_IN_USE, "PersistentVolumeClaim " + run.target
            + " is ReadWriteOncePod and mounted by pod " + holder + "; list its workload in spec.scaleDown");
      }
      String inUse = "PersistentVolumeClaim " + run.target + " is in use by pod " + holder
          + "; restoring underneath it (list its Deployment or StatefulSet in spec.scaleDown to stop it first)";
      run.conditions.set(ConditionTypes.WORKLOADS_SCALED_DOWN, false, Reasons.CLAIM_IN_USE, inUse);
      run.status.message = inUse;
      run.warningEvent(Reasons.CLAIM_IN_USE, inUse);
    }
    return run.moveTo(RestoreStage.SafetyBackup);
  }

  static String describe(List<ScaleTarget> workloads) {
    return workloads.stream().map(w -> WorkloadScaler.describe(w) + " (" + w.replicas + " replicas)")
        .collect(Collectors.joining(", "));
  }
}
