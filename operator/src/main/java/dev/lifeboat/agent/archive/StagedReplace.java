package dev.lifeboat.agent.archive;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.security.SecureRandom;

/**
 * A Replace restore that leaves the target's contents in place until the new ones are proven whole.
 * The archive is extracted into a staging directory inside the target (the same file system, so the
 * swap is a few renames, not a copy) and swapped in only once every checksum matched. Until then, and
 * whenever the swap itself fails (a directory the agent may not move), the target is as it was.
 *
 * <p>The staging and set-aside directories are named {@value #PREFIX}…; ones left by a restore that
 * was killed are removed when the next Replace restore starts.
 */
public final class StagedReplace implements Closeable {
  public static final String PREFIX = ".lifeboat-restore-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ConfinedTree target;
  private final Path staging;
  private boolean committed;

  private StagedReplace(ConfinedTree target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /** Creates the staging directory in {@code target} (and the target, when missing). */
  public static StagedReplace open(Path target) throws IOException {
    ConfinedTree tree = ConfinedTree.open(target);
    try (DirectoryStream<Path> children = Files.newDirectoryStream(tree.root(), PREFIX + "*")) {
      for (Path leftover : children) {
        ConfinedTree.deleteTree(leftover);
      }
    }
    return new StagedReplace(tree, Files.createDirectory(tree.root().resolve(uniqueName("staging"))));
  }

  /** Where the archive is to be extracted. */
  public Path staging() {
    return staging;
  }

  /**
   * Swaps the staged contents in: the whole target, or with {@code paths} only those paths. Moves are
   * undone when one fails, so the target ends either fully replaced or unchanged.
   */
  public void commit(List<String> paths) throws IOException {
    Selection selection = new Selection(paths);
    Path setAside = Files.createDirectory(target.root().resolve(uniqueName("replaced")));
    Deque<Move> done = new ArrayDeque<>();
    try {
      if (selection.everything()) {
        swapEverything(setAside, done);
      } else {
        swapPaths(outermost(selection.paths()), setAside, done);
      }
    } catch (IOException | RuntimeException e) {
      undo(done);
      ConfinedTree.deleteTree(setAside);
      throw new IOException("cannot swap the restored files in: " + describe(e), e);
    }
    committed = true;
    // Past the swap, a failure to delete what was set aside must not fail a restore that succeeded.
    deleteQuietly(setAside);
    deleteQuietly(staging);
  }

  private void swapEverything(Path setAside, Deque<Move> done) throws IOException {
    List<Path> old = children(target.root()).stream()
        .filter(child -> !child.getFileName().toString().startsWith(PREFIX)).toList();
    for (Path child : old) {
      move(child, setAside.resolve(child.getFileName()), done);
    }
    for (Path child : children(staging)) {
      move(child, target.root().resolve(child.getFileName()), done);
    }
  }

  private void swapPaths(List<String> paths, Path setAside, Deque<Move> done) throws IOException {
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      Path staged = staging.resolve(path);
      if (ConfinedTree.attributesOrNull(staged) == null) {
        continue; // an empty selection (a directory the backup held nothing under) replaces nothing
      }
      Path destination = target.parentsMade(path, path);
      Path existing = target.existing(path);
      if (existing != null) {
        move(existing, setAside.resolve(Integer.toString(i)), done);
      }
      move(staged, destination, done);
    }
  }

  /** The requested paths without those under another requested path (moved along with it). */
  private static List<String> outermost(List<String> paths) {
    List<String> sorted = paths.stream().distinct().sorted(Comparator.comparingInt(String::length)).toList();
    List<String> outer = new ArrayList<>();
    for (String path : sorted) {
      if (outer.stream().noneMatch(o -> path.startsWith(o + "/"))) {
        outer.add(path);
      }
    }
    return outer;
  }

  private static void move(Path from, Path to, Deque<Move> done) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    done.push(new Move(from, to));
  }

  private static void undo(Deque<Move> done) {
    while (!done.isEmpty()) {
      Move move = done.pop();
      try {
        Files.move(move.to(), move.from(), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // Moving back what was just moved the other way fails only if the target changed under us.
      }
    }
  }

  private static List<Path> children(Path dir) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(children::add);
    }
    return children;
  }

  /** Names the file relative to the target; a directory the agent may not move says who owns it. */
  private String describe(Exception e) {
    if (!(e instanceof FileSystemException f) || f.getFile() == null) {
      return e.getMessage();
    }
    Path file = Path.of(f.getFile());
    String name = file.startsWith(target.root()) ? target.root().relativize(file).toString() : f.getFile();
    if (e instanceof AccessDeniedException) {
      return name + ": " + Ownership.permissionDenied(file) + "; moving a directory needs write permission on it";
    }
    return (f.getReason() == null ? e.getClass().getSimpleName() : f.getReason()) + ": " + name;
  }

  private static void deleteQuietly(Path path) {
    try {
      if (ConfinedTree.attributesOrNull(path) != null) {
        ConfinedTree.deleteTree(path);
      }
    } catch (IOException e) {
      // Left for the next Replace restore, which removes it before it starts.
    }
  }

  private static String uniqueName(String what) {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return PREFIX + what + "-" + HexFormat.of().formatHex(bytes);
  }

  /** Removes the staging directory unless the restore was swapped in. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      deleteQuietly(staging);
    }
  }

  private record Move(Path from, Path to) {}
}
