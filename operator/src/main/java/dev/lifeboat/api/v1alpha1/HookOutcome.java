package dev.lifeboat.api.v1alpha1;

/** How one hook command ended in one pod. */
public enum HookOutcome {
  Succeeded,
  Failed,
  TimedOut,
  /** No pod was selected: recorded, not a failure. */
  NoPods,
  /** The operator restarted while the command ran: its end is unknown. */
  Interrupted
}
