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
 * @param warnings human lines such as "data/x.log: vanished while reading"
 */
public record ArchiveStats(long files, long directories, long symlinks, long bytes,
    List<FileDigest> digests, List<String> warnings) {
  public ArchiveStats {
    digests = List.copyOf(digests);
    warnings = List.copyOf(warnings);
  }
}
