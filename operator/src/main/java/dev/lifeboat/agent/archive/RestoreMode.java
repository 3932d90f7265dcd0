package dev.lifeboat.agent.archive;

/** How a restore treats what is already in the target. */
public enum RestoreMode {
  /** The target (or the selected paths) becomes exactly the archive; see {@link StagedReplace}. */
  Replace,
  /** Overlay the archive; files the archive does not mention stay. */
  Merge
}
