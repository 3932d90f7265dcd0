package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.common.Problem;
import dev.lifeboat.common.Times;
import java.time.Duration;
import java.util.Optional;

/** Checks what can be checked without S3, prepares the target claim (creating a new one), and starts. */
final class PendingStep implements RestoreStep {
  static final Duration CLAIM_RECHECK = Duration.ofSeconds(10);
  private final TargetClaim targets;

  PendingStep(TargetClaim targets) {
    this.targets = targets;
  }

  @Override
  public Optional<Duration> advance(RestoreRun run) {
    if (run.status.phase == null) {
      run.status.phase = RestorePhase.Pending;
    }
    // Before anything reads the target: a command target has no claim.
    Optional<Problem> invalid = RequestValidator.validate(run.spec);
    if (invalid.isPresent()) {
      return run.fail(ConditionTypes.RESTORED, invalid.get());
    }
    Optional<Problem> claim = targets.prepare(run.request());
    if (claim.isPresent() && Reasons.WAITING_FOR_CLAIM.equals(claim.get().reason())) {
      run.status.message = claim.get().message();
      run.conditions.set(ConditionTypes.RESTORED, claim.get());
      return Optional.of(CLAIM_RECHECK);
    }
    if (claim.isPresent()) {
      return run.fail(ConditionTypes.RESTORED, claim.get());
    }
    run.status.phase = RestorePhase.Running;
    run.status.startTime = Times.rfc3339(run.now);
    run.status.message = "finding the backup in " + run.source.value().describe();
    run.conditions.set(ConditionTypes.RESTORED, false, Reasons.RESTORE_IN_PROGRESS, "restore started");
    run.normalEvent(Reasons.RESTORE_STARTED, "restore into " + run.targetDescription() + " started; "
        + run.status.message);
    return run.moveTo(RestoreStage.Resolving);
  }
}
