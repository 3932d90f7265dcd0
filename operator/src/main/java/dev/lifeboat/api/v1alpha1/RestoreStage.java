package dev.lifeboat.api.v1alpha1;

/**
 * The steps of a restore, in order, as written to status.stage: the status is the controller's
 * memory, so an operator restarted at any point carries on with the step it was at.
 */
public enum RestoreStage {
  /** Accepted; waiting until the source can be read and the target claim exists. */
  Pending,
  Resolving,
  ScalingDown,
  SafetyBackup,
  Restoring,
  ScalingUp,
  Done
}
