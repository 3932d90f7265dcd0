package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The restore target, touched only through paths whose every parent is a real directory inside it: a
 * symlink on the way (from the archive or already in the target) is refused rather than followed, and
 * deletions never follow symlinks either. Names passed in are already {@link EntryNames#normalize normalized}.
 */
final class ConfinedTree {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final Path root;

  private ConfinedTree(Path realRoot) {
    this.root = realRoot;
  }

  /** The target, created if missing; a symlinked target is resolved once, here, by the operator's choice. */
  static ConfinedTree open(Path target) throws IOException {
    Files.createDirectories(target);
    return new ConfinedTree(target.toRealPath());
  }

  Path root() {
    return root;
  }

  /**
   * Makes room for entry {@code name}: missing parents are created, and whatever sits at the name is
   * removed (a directory is kept when a directory is wanted). Returns the path to create.
   */
  Path prepare(String name, String entry, boolean directoryWanted) throws IOException {
    Path path = parentsMade(name, entry);
    BasicFileAttributes existing = attributesOrNull(path);
    if (existing != null && !(directoryWanted && existing.isDirectory())) {
      deleteTree(path);
    }
    return path;
  }

  /** The path of {@code name}, its missing parents created (never through a symlink); the name itself untouched. */
  Path parentsMade(String name, String entry) throws IOException {
    verifyInside(parentsOf(name, entry, true), entry);
    return root.resolve(name);
  }

  /** The path of {@code name} if it exists and every parent is a real directory inside the target; else null. */
  Path existing(String name) throws IOException {
    Path parent = parentsOf(name, name, false);
    if (parent == null) {
      return null;
    }
    Path path = root.resolve(name);
    return attributesOrNull(path) == null ? null : path;
  }

  /** Empties the target; never removes the target itself and never follows a symlink out of it. */
  void clear() throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
      for (Path child : children) {
        deleteTree(child);
      }
    }
  }

  /** Deletes {@code name} and everything under it, if it is reachable without crossing a symlink. */
  void delete(String name) throws IOException {
    Path path = existing(name);
    if (path != null) {
      deleteTree(path);
    }
  }

  /**
   * Walks the parents of {@code name} from the root. With {@code create}, a missing parent is made and a
   * non-directory in the way is replaced (the archive is the truth); without, null when a parent is absent
   * or not a plain directory. A symlink parent is refused with {@code create}, and reported as null without.
   */
  private Path parentsOf(String name, String entry, boolean create) throws IOException {
    Path dir = root;
    String[] parts = name.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      dir = dir.resolve(parts[i]);
      BasicFileAttributes attributes = attributesOrNull(dir);
      if (attributes != null && attributes.isDirectory()) {
        continue;
      }
      if (!create) {
        return null;
      }
      if (attributes != null && attributes.isSymbolicLink()) {
        throw new UnsafeArchiveException(entry, "would be written through the symlink '"
            + root.relativize(dir) + "'");
      }
      if (attributes != null) {
        Files.delete(dir);
      }
      Files.createDirectory(dir);
    }
    return dir;
  }

  /** A second, independent check: the real parent must lie under the real target. */
  private void verifyInside(Path parent, String entry) throws IOException {
    if (!parent.toRealPath().startsWith(root)) {
      throw new UnsafeArchiveException(entry, "would be written outside the target");
    }
  }

  static BasicFileAttributes attributesOrNull(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Deletes a file, a symlink (the link, not its target) or a directory tree without following symlinks. */
  static void deleteTree(Path path) throws IOException {
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
