package dev.lifeboat.api.v1alpha1;

/**
 * The phase of one backup run (status.lastBackup.phase), and the outcome every agent command
 * reports in its termination message (a restore or a listing ends Succeeded or Failed).
 */
public enum BackupPhase {
  Running,
  Succeeded,
  /** The backup was stored but left data out (files it could not read): kept for inspection, never counted as good. */
  PartiallyFailed,
  Failed;

  public boolean finished() {
    return this != Running;
  }
}
