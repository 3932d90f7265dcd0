package dev.lifeboat.agent.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Counts bytes and computes SHA-256 of everything read through it (archive size and checksum on the fly). */
public final class DigestingInputStream extends FilterInputStream {
  private final MessageDigest digest = Hashing.sha256();
  private long count;

  public DigestingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      digest.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      digest.update(b, off, n);
      count += n;
    }
    return n;
  }

  /** Skipped bytes are read, so the digest still covers them. */
  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {
    // Not supported: a reset would feed bytes to the digest twice.
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  public long count() {
    return count;
  }

  /** Lower-case hex SHA-256 of the bytes read so far. */
  public String sha256Hex() {
    return Hashing.peekHex(digest);
  }
}
