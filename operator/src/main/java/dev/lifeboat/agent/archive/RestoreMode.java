package dev.lifeboat.agent.archive;

/** How a restore treats what is already in the target. */
public enum RestoreMode {
  /** Empty the target (or the selected paths) first: the result is exactly the archive. */
  Replace,
  /** Overlay the archive; files the archive does not mention stay. */
  Merge
}
