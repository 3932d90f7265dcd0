package dev.lifeboat.agent.archive;

import java.util.ArrayList;
import java.util.List;

/** Accumulates {@link ArchiveStats} while an archive is written or read. */
final class StatsBuilder {
  private long files;
  private long directories;
  private long symlinks;
  private long bytes;
  private final List<FileDigest> digests = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<String> omissions = new ArrayList<>();

  void file(FileDigest digest) {
    files++;
    bytes += digest.size();
    digests.add(digest);
  }

  void hardlink() {
    files++;
  }

  void directory() {
    directories++;
  }

  void symlink() {
    symlinks++;
  }

  void warn(String path, String what) {
    warnings.add(path + ": " + what);
  }

  /** Data left out of the archive: the backup is partial. */
  void omit(String path, String why) {
    omissions.add(path + ": " + why);
  }

  ArchiveStats build() {
    return new ArchiveStats(files, directories, symlinks, bytes, digests, warnings, omissions);
  }
}
