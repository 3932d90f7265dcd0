package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts a tar stream into a target directory without ever writing outside it: absolute names, ".."
 * parts, writes through a symlink (from the archive or already in the target) and hardlinks to anything
 * but a regular file already extracted inside the target are refused with {@link UnsafeArchiveException}.
 * Each file's SHA-256 is computed while it is written and checked against the manifest at its end.
 *
 * <p>Ownership is restored (numerically) only when running as root; otherwise it is silently left to
 * the restoring user, as GNU tar does. Directory modes and mtimes are applied at the end, deepest first,
 * so a read-only directory can still be filled and its mtime is not disturbed by its children.
 * Devices and fifos in an archive are skipped with a warning ("PATH: skipped (fifo)").
 */
public final class SafeExtractor {
  private static final int BUFFER = 1 << 18;

  private final Path target;
  private final RestoreMode mode;
  private final Selection selection;

  /**
   * @param paths restore only these files or directories (relative to the volume root); empty means
   *     everything. With {@link RestoreMode#Replace}, only the selected paths are emptied first.
   */
  public SafeExtractor(Path target, RestoreMode mode, List<String> paths) {
    this.target = target;
    this.mode = mode;
    this.selection = new Selection(paths);
  }

  /**
   * Extracts {@code tar} (read to its very end, so a decrypting or digesting stream underneath sees every
   * byte; not closed).
   *
   * @param expectedSha256 path to lower-case hex SHA-256 from the manifest; empty checks nothing. When the
   *     whole archive is restored, a listed file missing from it is a {@link ChecksumMismatchException} too.
   */
  public ArchiveStats extract(InputStream tar, Map<String, String> expectedSha256) throws IOException {
    ArchiveReader reader = open(expectedSha256);
    reader.read(tar, LayerSelection.WHOLE);
    return reader.finish();
  }

  /**
   * Starts extracting a volume that may come in several archives (layers, read oldest first); the
   * target is emptied now (Replace), directory modes and mtimes applied and the digests checked as a
   * whole at {@link ArchiveReader#finish()}.
   */
  public ArchiveReader open(Map<String, String> expectedSha256) throws IOException {
    ConfinedTree tree = ConfinedTree.open(target);
    if (mode == RestoreMode.Replace && selection.everything()) {
      tree.clear();
    }
    return new Extraction(tree, new Run(tree, new ExpectedDigests(expectedSha256)));
  }

  private final class Extraction implements ArchiveReader {
    private final ConfinedTree tree;
    private final Run run;
    // A requested path is emptied (Replace) only once the archive shows it holds it: a mistyped
    // --path must fail without having deleted what the target has under that name.
    private final Set<String> reached = new HashSet<>();

    Extraction(ConfinedTree tree, Run run) {
      this.tree = tree;
      this.run = run;
    }

    @Override
    public void read(InputStream tar, LayerSelection layer) throws IOException {
      TarArchiveInputStream entries = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
      TarArchiveEntry entry;
      while ((entry = entries.getNextEntry()) != null) {
        String name = EntryNames.normalize(entry.getName());
        if (!name.isEmpty() && selection.includes(name) && takes(layer, entry, name)) {
          if (!selection.everything()) {
            reach(tree, selection.matching(name), reached);
          }
          run.extract(entry, name, entries);
        }
      }
      tar.transferTo(OutputStream.nullOutputStream());
      // A file is read from one archive only: a mismatch its last entry left is final, and named before
      // the archive's own checksum is.
      run.refuseMismatched();
    }

    @Override
    public ArchiveStats finish() throws IOException {
      run.finishDirectories();
      if (selection.everything()) {
        run.expected.checkNoneMissing();
      } else {
        List<String> missing = selection.paths().stream().filter(p -> !reached.contains(p)).toList();
        if (!missing.isEmpty()) {
          throw new IllegalArgumentException("--path " + String.join(", ", missing)
              + ": no such file or directory in the backup");
        }
      }
      return run.stats.build();
    }
  }

  /** A regular file's entry is taken from the layer that holds it; anything else from the newest layer. */
  static boolean takes(LayerSelection layer, TarArchiveEntry entry, String name) {
    boolean regular = !entry.isDirectory() && !entry.isSymbolicLink() && !entry.isLink() && !entry.isCharacterDevice()
        && !entry.isBlockDevice() && !entry.isFIFO();
    return regular ? layer.takesFile(name) : layer.takesTree();
  }

  /**
   * Marks the requested paths an entry is under as present in the archive; with Replace, empties
   * each in the target the first time, unless a requested path above it was emptied already (which
   * removed it, and possibly what has been restored into it since).
   */
  private void reach(ConfinedTree tree, List<String> paths, Set<String> reached) throws IOException {
    for (String path : paths.stream().sorted(java.util.Comparator.comparingInt(String::length)).toList()) {
      if (reached.add(path) && mode == RestoreMode.Replace
          && reached.stream().noneMatch(other -> !other.equals(path) && path.startsWith(other + "/"))) {
        tree.delete(path);
      }
    }
  }

  /** State of one {@link #extract} call. */
  private static final class Run {
    final ConfinedTree tree;
    final ExpectedDigests expected;
    final StatsBuilder stats = new StatsBuilder();
    final boolean restoreOwnership = Ownership.runningAsRoot();
    final List<PendingDirectory> directories = new ArrayList<>();
    final Set<String> extractedFiles = new HashSet<>();
    final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

    Run(ConfinedTree tree, ExpectedDigests expected) {
      this.tree = tree;
      this.expected = expected;
    }

    void extract(TarArchiveEntry entry, String name, InputStream content) throws IOException {
      if (entry.isDirectory()) {
        directory(entry, name);
      } else if (entry.isSymbolicLink()) {
        symlink(entry, name);
      } else if (entry.isLink()) {
        hardlink(entry, name);
      } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
        stats.warn(name, "skipped (device)");
      } else if (entry.isFIFO()) {
        stats.warn(name, "skipped (fifo)");
      } else {
        regularFile(entry, name, content);
      }
    }

    private void directory(TarArchiveEntry entry, String name) throws IOException {
      Path path = tree.prepare(name, entry.getName(), true);
      if (ConfinedTree.attributesOrNull(path) == null) {
        Files.createDirectory(path);
      }
      directories.add(new PendingDirectory(name, Metadata.of(entry)));
      stats.directory();
    }

    private void symlink(TarArchiveEntry entry, String name) throws IOException {
      if (entry.getLinkName().isEmpty()) {
        throw new UnsafeArchiveException(entry.getName(), "symlink with an empty target");
      }
      // The link itself is harmless whatever it points to: nothing is ever written through it.
      Path path = tree.prepare(name, entry.getName(), false);
      Files.createSymbolicLink(path, path.getFileSystem().getPath(entry.getLinkName()));
      Metadata.of(entry).applyTo(path, restoreOwnership, true);
      stats.symlink();
    }

    private void hardlink(TarArchiveEntry entry, String name) throws IOException {
      String linkName = entry.getLinkName();
      String source = EntryNames.normalize(linkName, entry.getName(), "hardlink target '" + linkName + "': ");
      Path sourcePath = source.isEmpty() ? null : tree.existing(source);
      BasicFileAttributes attributes = sourcePath == null ? null : ConfinedTree.attributesOrNull(sourcePath);
      if (attributes == null || !attributes.isRegularFile()) {
        throw new UnsafeArchiveException(entry.getName(), "hardlink target '" + linkName
            + "' is not a regular file extracted inside the target");
      }
      Path path = tree.prepare(name, entry.getName(), false);
      Files.createLink(path, sourcePath);
      stats.hardlink();
    }

    private void regularFile(TarArchiveEntry entry, String name, InputStream content) throws IOException {
      Path path = tree.prepare(name, entry.getName(), false);
      MessageDigest digest = Hashing.sha256();
      long size = 0;
      try (FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS)) {
        int n;
        while ((n = content.read(buffer.array())) >= 0) {
          digest.update(buffer.array(), 0, n);
          writeFully(file, n, name);
          size += n;
        }
      }
      String actual = Hashing.hex(digest.digest());
      try {
        expected.check(name, actual);
      } catch (ChecksumMismatchException e) {
        Files.deleteIfExists(path);
        throw e;
      }
      Metadata.of(entry).applyTo(path, restoreOwnership, false);
      if (extractedFiles.add(name)) { // a file read twice by the backup is one file
        stats.file(new FileDigest(name, size, actual));
      }
    }

    /** Deletes files whose last entry did not match the manifest, then refuses the archive naming the first. */
    void refuseMismatched() throws IOException {
      for (String name : expected.mismatched()) {
        tree.delete(name);
      }
      expected.checkMatched();
    }

    /** Write failures (a full disk) name the file; read failures of the archive pass through unchanged. */
    private void writeFully(FileChannel file, int length, String name) throws IOException {
      buffer.clear().limit(length);
      try {
        while (buffer.hasRemaining()) {
          file.write(buffer);
        }
      } catch (IOException e) {
        throw new IOException("cannot write " + name + " in the target: " + e.getMessage(), e);
      }
    }

    void finishDirectories() throws IOException {
      for (int i = directories.size() - 1; i >= 0; i--) {
        PendingDirectory directory = directories.get(i);
        // A later entry may have replaced the directory (or a parent) with a symlink: never follow it.
        Path path = tree.existing(directory.name());
        BasicFileAttributes attributes = path == null ? null : ConfinedTree.attributesOrNull(path);
        if (attributes != null && attributes.isDirectory()) {
          directory.metadata().applyTo(path, restoreOwnership, false);
        }
      }
    }
  }

  private record PendingDirectory(String name, Metadata metadata) {}
}
