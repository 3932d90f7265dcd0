package dev.lifeboat.agent.archive;

import java.util.List;

/**
 * What writing or reading an archive saw.
 *
 * @param files regular files (hardlinks included)
 * @param directories directories, the volume root excluded
 * @param symlinks symbolic links
 * @param bytes sum of regular-file sizes, uncompressed
 * @param digests one per regular file, in archive order
 * @param warnings human lines such as "data/x.log: changed while reading": the backup still holds all
 *     the data (the last read of a file that kept changing; nothing of a socket or fifo, which hold none)
 * @param omissions human lines for data left out, such as "pg/base: permission denied (owner uid 999,
 *     mode 0700), contents skipped": a backup with any is partial, never a success
 * @param reused files not read because an earlier backup holds them unchanged (their digests are the earlier ones)
 * @param treeSha256 fingerprint of the directories and symlinks written (names, modes, owners, mtimes, targets);
 *     null when there were none, and from readers
 */
public record ArchiveStats(long files, long directories, long symlinks, long bytes,
    List<FileDigest> digests, List<String> warnings, List<String> omissions, long reused, String treeSha256) {
  public ArchiveStats {
    digests = List.copyOf(digests);
    warnings = List.copyOf(warnings);
    omissions = List.copyOf(omissions);
  }

  public boolean complete() {
    return omissions.isEmpty();
  }
}
