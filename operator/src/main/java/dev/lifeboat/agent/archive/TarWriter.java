package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The tar side of {@link VolumeArchiver}: POSIX (pax) entries with permissions, numeric uid/gid and mtimes
 * taken from "unix:mode,uid,gid,lastModifiedTime" attributes, and file contents copied through one buffer.
 */
final class TarWriter {
  private static final int BUFFER = 1 << 18;

  private final TarArchiveOutputStream tar;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

  TarWriter(OutputStream out) {
    tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  void directory(String name, Map<String, Object> attributes) throws IOException {
    putEmpty(entry(name + "/", TarConstants.LF_DIR, attributes));
  }

  void symlink(String name, Map<String, Object> attributes, String target) throws IOException {
    TarArchiveEntry entry = entry(name, TarConstants.LF_SYMLINK, attributes);
    entry.setLinkName(target);
    putEmpty(entry);
  }

  /**
   * One regular-file entry of exactly {@code size} bytes read from the channel (zero-padded if the file is
   * shorter, cut if longer), digested on the way; true if the file's length differed from {@code size}.
   */
  boolean file(String name, Map<String, Object> attributes, long size, FileChannel channel, MessageDigest digest)
      throws IOException {
    TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, attributes);
    entry.setSize(size);
    tar.putArchiveEntry(entry);
    long remaining = size;
    boolean shorter = false;
    while (remaining > 0) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
      int n = shorter ? -1 : channel.read(buffer);
      if (n < 0) {
        shorter = true;
        Arrays.fill(buffer.array(), 0, buffer.limit(), (byte) 0);
        n = buffer.limit();
      }
      digest.update(buffer.array(), 0, n);
      tar.write(buffer.array(), 0, n);
      remaining -= n;
    }
    tar.closeArchiveEntry();
    return shorter || channel.read(buffer.clear().limit(1)) > 0;
  }

  void finish() throws IOException {
    tar.finish();
  }

  private void putEmpty(TarArchiveEntry entry) throws IOException {
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  private static TarArchiveEntry entry(String name, byte type, Map<String, Object> attributes) {
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setMode((Integer) attributes.get("mode"));
    entry.setUserId(((Integer) attributes.get("uid")).longValue());
    entry.setGroupId(((Integer) attributes.get("gid")).longValue());
    // Numeric ownership only: GNU tar would otherwise map the names through the restoring host's passwd.
    entry.setUserName("");
    entry.setGroupName("");
    entry.setLastModifiedTime((FileTime) attributes.get("lastModifiedTime"));
    return entry;
  }
}
