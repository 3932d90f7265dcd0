package dev.lifeboat.api.v1alpha1;

/**
 * Where a backup run is. Direct copies run BeforeHooks, Copying, AfterHooks; Snapshot copies run
 * BeforeHooks, Snapshotting, AfterHooks, Copying. Written before the stage acts.
 */
public enum RunStage {
  BeforeHooks,
  Snapshotting,
  AfterHooks,
  Copying
}
