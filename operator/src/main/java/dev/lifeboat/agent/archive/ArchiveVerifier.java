package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a tar stream without writing anything (the verify command): every file's SHA-256 is checked
 * against the manifest, every name must be one {@link SafeExtractor} would accept, and the stream is read
 * to its end so that a decrypting or digesting stream underneath authenticates every byte.
 */
public final class ArchiveVerifier {
  private static final int BUFFER = 1 << 18;

  private ArchiveVerifier() {}

  /**
   * @param expectedSha256 path to hex SHA-256 from the manifest; empty checks only the archive's structure
   * @throws ChecksumMismatchException a digest differs, or a listed file is "missing from archive"
   * @throws UnsafeArchiveException an entry a restore would refuse
   */
  public static ArchiveStats verify(InputStream tar, Map<String, String> expectedSha256) throws IOException {
    ArchiveReader reader = open(expectedSha256);
    reader.read(tar, LayerSelection.WHOLE);
    return reader.finish();
  }

  /** Starts checking a volume that may come in several archives (layers, read oldest first). */
  public static ArchiveReader open(Map<String, String> expectedSha256) {
    return new Check(new ExpectedDigests(expectedSha256));
  }

  private static final class Check implements ArchiveReader {
    private final ExpectedDigests expected;
    private final StatsBuilder stats = new StatsBuilder();
    private final Set<String> seenFiles = new HashSet<>();
    private final byte[] buffer = new byte[BUFFER];

    Check(ExpectedDigests expected) {
      this.expected = expected;
    }

    @Override
    public void read(InputStream tar, LayerSelection layer) throws IOException {
      // What this archive's own entries make of each name: a restore refuses writing beneath a symlink.
      Map<String, Kind> tree = new HashMap<>();
      TarArchiveInputStream entries = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
      TarArchiveEntry entry;
      while ((entry = entries.getNextEntry()) != null) {
        String name = EntryNames.normalize(entry.getName());
        refuseThroughSymlink(tree, name, entry.getName());
        tree.put(name, kind(entry));
        if (!name.isEmpty() && SafeExtractor.takes(layer, entry, name)) {
          take(entry, name, entries, tree);
        }
      }
      tar.transferTo(OutputStream.nullOutputStream());
      expected.checkMatched(); // a file is read from one archive only: its mismatch is final
    }

    private void take(TarArchiveEntry entry, String name, TarArchiveInputStream entries, Map<String, Kind> tree)
        throws IOException {
      if (entry.isDirectory()) {
        stats.directory();
      } else if (entry.isSymbolicLink()) {
        stats.symlink();
      } else if (entry.isLink()) {
        String link = entry.getLinkName();
        String source = EntryNames.normalize(link, entry.getName(), "hardlink target '" + link + "': ");
        if (tree.get(source) != Kind.FILE) {
          throw new UnsafeArchiveException(entry.getName(), "hardlink target '" + link
              + "' is not a regular file extracted inside the target");
        }
        stats.hardlink();
      } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
        stats.warn(name, "skipped (" + (entry.isFIFO() ? "fifo" : "device") + ")");
      } else {
        MessageDigest digest = Hashing.sha256();
        long size = 0;
        int n;
        while ((n = entries.read(buffer)) >= 0) {
          digest.update(buffer, 0, n);
          size += n;
        }
        String actual = Hashing.hex(digest.digest());
        expected.check(name, actual);
        if (seenFiles.add(name)) { // a file read twice by the backup is one file
          stats.file(new FileDigest(name, size, actual));
        }
      }
    }

    @Override
    public ArchiveStats finish() throws IOException {
      expected.checkNoneMissing();
      return stats.build();
    }
  }

  /** What an earlier entry made of a name, as far as writing beneath it goes. */
  private enum Kind {
    DIRECTORY, SYMLINK, FILE, OTHER
  }

  private static Kind kind(TarArchiveEntry entry) {
    if (entry.isDirectory()) {
      return Kind.DIRECTORY;
    }
    if (entry.isSymbolicLink()) {
      return Kind.SYMLINK;
    }
    if (entry.isLink() || entry.isFile() && !entry.isCharacterDevice() && !entry.isBlockDevice() && !entry.isFIFO()) {
      return Kind.FILE;
    }
    return Kind.OTHER;
  }

  /**
   * Refuses a name beneath a symlink an earlier entry made, as {@link SafeExtractor} does when it
   * restores: verify must never pass an archive a restore would refuse.
   */
  private static void refuseThroughSymlink(Map<String, Kind> tree, String name, String entry)
      throws UnsafeArchiveException {
    for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
      String parent = name.substring(0, slash);
      if (tree.get(parent) == Kind.SYMLINK) {
        throw new UnsafeArchiveException(entry, "would be written through the symlink '" + parent + "'");
      }
    }
  }
}
