package dev.lifeboat.api.v1alpha1;

/**
 * Where a running backup is, as written to status.lastBackup.stage before the stage acts: the status
 * is the controller's memory, so a restarted operator carries on with the stage it was at. In
 * Snapshot mode the order is BeforeHooks, Snapshotting, AfterHooks, Copying.
 */
public enum RunStage {
  /** The before hooks run in the app's pods. */
  BeforeHooks,
  /** VolumeSnapshots of the claims are taken; the run waits until all are ready to use. */
  Snapshotting,
  /** The after hooks run in the app's pods. */
  AfterHooks,
  /** The backup Job copies the data to the repository. */
  Copying
}
