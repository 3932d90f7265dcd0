package dev.lifeboat.api.v1alpha1;

/** The phase of a RestoreRequest (status.phase); Succeeded and Failed are final. */
public enum RestorePhase {
  Pending,
  Running,
  Succeeded,
  Failed;

  public boolean finished() {
    return this == Succeeded || this == Failed;
  }
}
