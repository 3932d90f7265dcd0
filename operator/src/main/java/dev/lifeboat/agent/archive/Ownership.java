package dev.lifeboat.agent.archive;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/** Whether this process may give files away: only root restores the archive's uid/gid. */
final class Ownership {
  private static final boolean ROOT = detectRoot();

  private Ownership() {}

  static boolean runningAsRoot() {
    return ROOT;
  }

  /** "permission denied (owner uid 999, mode 0700)": whose file it is and why the agent may not touch it. */
  static String permissionDenied(Path path) {
    try {
      Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
      return String.format("permission denied (owner uid %d, mode %04o)", (Integer) attributes.get("uid"),
          (Integer) attributes.get("mode") & 07777);
    } catch (IOException e) {
      return "permission denied";
    }
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
