package dev.lifeboat.agent.archive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Accumulates {@link ArchiveStats} while an archive is written or read. */
final class StatsBuilder {
  private long files;
  private long directories;
  private long symlinks;
  private long bytes;
  private long reused;
  private boolean treeSeen;
  private final MessageDigest tree = Hashing.sha256();
  private final List<FileDigest> digests = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<String> omissions = new ArrayList<>();

  void file(FileDigest digest) {
    files++;
    bytes += digest.size();
    digests.add(digest);
  }

  /** A file an earlier backup holds, unchanged since: counted, not read. */
  void reused(FileDigest digest) {
    file(digest);
    reused++;
  }

  /**
   * A directory (name ending in "/") or symlink, into the fingerprint of everything but the regular
   * files: with it, a backup tells that nothing at all changed in a volume since an earlier one.
   */
  void tree(String name, Map<String, Object> attributes, String target) {
    String line = name + '\0' + attributes.get("mode") + '\0' + attributes.get("uid") + '\0' + attributes.get("gid")
        + '\0' + UnchangedFiles.nanos(attributes.get("lastModifiedTime")) + '\0' + (target == null ? "" : target) + '\n';
    tree.update(line.getBytes(StandardCharsets.UTF_8));
    treeSeen = true;
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
    return new ArchiveStats(files, directories, symlinks, bytes, digests, warnings, omissions, reused,
        treeSeen ? Hashing.hex(tree.digest()) : null);
  }
}
