package dev.lifeboat.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies a volume's tree as a snapshot keeps it: files, directories and symlinks (not followed),
 * with their mode, modification times and, when this process may, their owner and group. What the
 * snapshot controller and a claim provisioned from a snapshot use; and removes such trees.
 */
final class VolumeCopy {
  private VolumeCopy() {}

  static void copy(Path from, Path to) throws IOException {
    boolean chown = HostSupport.currentUid() == 0;
    List<Path> directories = new ArrayList<>();
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(dir).toString());
        Files.createDirectories(target);
        directories.add(dir);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(file).toString());
        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        if (chown) {
          owner(file, target);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    // Directories last, deepest first: copying their files changed their times.
    directories.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path dir : directories) {
      Path target = to.resolve(from.relativize(dir).toString());
      if (chown) {
        owner(dir, target);
      }
      Files.setAttribute(target, "unix:mode", Files.getAttribute(dir, "unix:mode"));
      Files.setLastModifiedTime(target, (FileTime) Files.getAttribute(dir, "lastModifiedTime"));
    }
  }

  private static void owner(Path from, Path to) throws IOException {
    Files.setAttribute(to, "unix:uid", Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS),
        LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(to, "unix:gid", Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS),
        LinkOption.NOFOLLOW_LINKS);
  }

  /** Removes the tree, if there is one. */
  static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
