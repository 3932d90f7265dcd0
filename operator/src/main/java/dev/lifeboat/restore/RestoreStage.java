package dev.lifeboat.restore;

/**
 * The steps of a restore, in order, as written to status.stage: the status is the controller's
 * memory, so an operator restarted at any point carries on with the step it was at.
 */
public enum RestoreStage {
  Resolving,
  ScalingDown,
  SafetyBackup,
  Restoring,
  ScalingUp,
  Done
}
