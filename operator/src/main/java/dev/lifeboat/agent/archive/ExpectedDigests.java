package dev.lifeboat.agent.archive;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The manifest's per-file SHA-256, checked file by file as an archive is read. An empty map checks
 * nothing. A file the backup read twice (it changed during the first read) has two entries of its
 * name, and the manifest lists the second read's digest: a mismatch is therefore held until the end
 * of the archive, and a later entry of the same name that matches clears it.
 */
final class ExpectedDigests {
  private final Map<String, String> expected;
  private final Set<String> seen = new HashSet<>();
  private final Map<String, ChecksumMismatchException> mismatched = new LinkedHashMap<>();

  ExpectedDigests(Map<String, String> expected) {
    this.expected = Map.copyOf(expected);
  }

  /**
   * True when the file matches the manifest; false when it does not (yet), to be refused by
   * {@link #checkMatched} unless a later entry of the name matches. A file the manifest does not
   * list is refused at once.
   */
  boolean check(String path, String actualSha256) throws ChecksumMismatchException {
    if (expected.isEmpty()) {
      return true;
    }
    seen.add(path);
    String wanted = expected.get(path);
    if (wanted == null) {
      throw new ChecksumMismatchException(path, path + ": in the archive but not in the manifest");
    }
    if (!wanted.toLowerCase(Locale.ROOT).equals(actualSha256)) {
      mismatched.put(path, new ChecksumMismatchException(path, "checksum mismatch for " + path + ": manifest says "
          + wanted + ", archive holds " + actualSha256));
      return false;
    }
    mismatched.remove(path);
    return true;
  }

  /** Files whose last entry did not match, in archive order. */
  Set<String> mismatched() {
    return mismatched.keySet();
  }

  /** Refuses an archive whose last entry of some file did not match the manifest (the first is named). */
  void checkMatched() throws ChecksumMismatchException {
    if (!mismatched.isEmpty()) {
      throw mismatched.values().iterator().next();
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
