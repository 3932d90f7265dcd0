package dev.lifeboat.agent.archive;

import com.sun.security.auth.module.UnixSystem;

/** Whether this process may give files away: only root restores the archive's uid/gid. */
final class Ownership {
  private static final boolean ROOT = detectRoot();

  private Ownership() {}

  static boolean runningAsRoot() {
    return ROOT;
  }

  private static boolean detectRoot() {
    try {
      return new UnixSystem().getUid() == 0;
    } catch (LinkageError e) {
      // A runtime without jdk.security.auth: behave as a normal user and leave ownership alone.
      return false;
    }
  }
}
