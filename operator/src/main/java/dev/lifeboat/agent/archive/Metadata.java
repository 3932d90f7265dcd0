package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/** Ownership, permissions and mtime of one restored entry, always applied without following symlinks. */
record Metadata(int mode, long uid, long gid, FileTime mtime) {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final int PERMISSION_BITS = 07777;

  static Metadata of(TarArchiveEntry entry) {
    return new Metadata(entry.getMode() & PERMISSION_BITS, entry.getLongUserId(), entry.getLongGroupId(),
        entry.getLastModifiedTime());
  }

  /**
   * Ownership first (chown clears set-id bits), then mode, then mtime. Symlinks have no mode of their own,
   * and a file system that cannot time-stamp a symlink is not worth failing a restore for.
   */
  void applyTo(Path path, boolean restoreOwnership, boolean symlink) throws IOException {
    if (restoreOwnership) {
      Files.setAttribute(path, "unix:uid", (int) uid, NOFOLLOW);
      Files.setAttribute(path, "unix:gid", (int) gid, NOFOLLOW);
    }
    if (!symlink) {
      Files.setAttribute(path, "unix:mode", mode, NOFOLLOW);
    }
    if (mtime == null) {
      return;
    }
    try {
      Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW).setTimes(mtime, null, null);
    } catch (IOException e) {
      if (!symlink) {
        throw e;
      }
    }
  }
}
