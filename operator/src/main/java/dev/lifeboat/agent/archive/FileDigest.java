package dev.lifeboat.agent.archive;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One regular file's digest as recorded in the file list, and what the next backup needs to tell,
 * without reading it, that the file has not changed since.
 *
 * @param path relative to the volume root, '/'-separated, no leading "./"
 * @param size bytes stored in the archive for this file
 * @param sha256 lower-case hex SHA-256 of those bytes
 * @param mtimeNs the file's modification time (nanoseconds since the epoch) when it was read; null when unknown
 * @param ctimeNs its status-change time, which chmod, chown and every write move (and no user can set back)
 * @param inode its inode number: a file replaced by another under the same name has another
 * @param layer which of the volume's layers holds its content (index into {@code volumes[].layers}); null
 *     for a volume stored as one archive
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record FileDigest(String path, long size, String sha256, Long mtimeNs, Long ctimeNs, Long inode, Integer layer) {
  public FileDigest(String path, long size, String sha256) {
    this(path, size, sha256, null, null, null, null);
  }

  /** Path, size and digest alone: what a reader compares. */
  public FileDigest content() {
    return new FileDigest(path, size, sha256);
  }

  /** The same file held by another layer. */
  public FileDigest inLayer(Integer index) {
    return new FileDigest(path, size, sha256, mtimeNs, ctimeNs, inode, index);
  }

  /** Whether the next backup can judge this file unchanged without reading it. */
  boolean hasStat() {
    return mtimeNs != null && ctimeNs != null && inode != null;
  }
}
