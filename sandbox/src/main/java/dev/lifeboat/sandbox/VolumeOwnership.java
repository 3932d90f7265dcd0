package dev.lifeboat.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What the kubelet does to a volume for the pod's fsGroup before the container starts
 * (SetVolumeOwnership): every file and directory, recursively and without following symlinks,
 * gets group fsGroup and the group bits {@code rw} ({@code r} for a read-only volume); a directory
 * also gets group {@code x} and setgid, so what is created in it later belongs to fsGroup too.
 * With fsGroupChangePolicy OnRootMismatch nothing is done when the volume's root already has that
 * group and those bits.
 */
final class VolumeOwnership {
  static final int RW_MASK = 0660;
  static final int RO_MASK = 0440;
  static final int EXEC_MASK = 0110;
  static final int SETGID = 02000;

  private VolumeOwnership() {}

  static void apply(Path root, long fsGroup, boolean readOnly, String changePolicy) throws IOException {
    if ("OnRootMismatch".equals(changePolicy) && !rootMismatch(root, fsGroup, readOnly)) {
      return;
    }
    int mask = readOnly ? RO_MASK : RW_MASK;
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        change(dir, mask | EXEC_MASK | SETGID);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isSymbolicLink()) {
          chgrp(file, fsGroup); // the link itself; its mode means nothing
        } else {
          change(file, mask);
        }
        return FileVisitResult.CONTINUE;
      }

      private void change(Path path, int bits) throws IOException {
        chgrp(path, fsGroup);
        chmod(path, mode(path) | bits);
      }
    });
  }

  /** The kubelet's check for OnRootMismatch: the root's group, its group bits and setgid. */
  private static boolean rootMismatch(Path root, long fsGroup, boolean readOnly) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS) || gid(root) != fsGroup) {
      return true;
    }
    int wanted = (readOnly ? RO_MASK : RW_MASK) | EXEC_MASK;
    int mode = mode(root);
    return (mode & wanted) != wanted || (mode & SETGID) == 0;
  }

  static int mode(Path path) throws IOException {
    return ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
  }

  static long gid(Path path) throws IOException {
    return ((Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  /**
   * chmod(2) by path, setgid and sticky bits included. Never given a symlink: the no-follow
   * variant would open the file, which blocks on a fifo.
   */
  static void chmod(Path path, int mode) throws IOException {
    Files.setAttribute(path, "unix:mode", mode);
  }

  /** lchown(2) of the group only. */
  static void chgrp(Path path, long gid) throws IOException {
    Files.setAttribute(path, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
  }
}
