package dev.lifeboat.agent.archive;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The manifest's per-file SHA-256, checked file by file as an archive is read. An empty map checks nothing. */
final class ExpectedDigests {
  private final Map<String, String> expected;
  private final Set<String> seen = new HashSet<>();

  ExpectedDigests(Map<String, String> expected) {
    this.expected = Map.copyOf(expected);
  }

  /** Refuses a file whose digest differs from the manifest, or that the manifest does not list. */
  void check(String path, String actualSha256) throws ChecksumMismatchException {
    if (expected.isEmpty()) {
      return;
    }
    seen.add(path);
    String wanted = expected.get(path);
    if (wanted == null) {
      throw new ChecksumMismatchException(path, path + ": in the archive but not in the manifest");
    }
    if (!wanted.toLowerCase(Locale.ROOT).equals(actualSha256)) {
      throw new ChecksumMismatchException(path, "checksum mismatch for " + path + ": manifest says "
          + wanted + ", archive holds " + actualSha256);
    }
  }

  /** Refuses an archive that lacks a file the manifest lists (the first one in name order is named). */
  void checkNoneMissing() throws ChecksumMismatchException {
    Set<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(seen);
    if (!missing.isEmpty()) {
      String path = missing.iterator().next();
      String others = missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : "";
      throw new ChecksumMismatchException(path, path + ": missing from archive" + others);
    }
  }
}
