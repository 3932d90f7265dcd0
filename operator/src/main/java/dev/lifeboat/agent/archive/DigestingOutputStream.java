package dev.lifeboat.agent.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Counts bytes and computes SHA-256 of everything written through it (archive size and checksum on the fly). */
public final class DigestingOutputStream extends FilterOutputStream {
  private final MessageDigest digest = Hashing.sha256();
  private long count;

  public DigestingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    digest.update((byte) b);
    count++;
  }

  // FilterOutputStream would write byte by byte.
  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digest.update(b, off, len);
    count += len;
  }

  public long count() {
    return count;
  }

  /** Lower-case hex SHA-256 of the bytes written so far. */
  public String sha256Hex() {
    return Hashing.peekHex(digest);
  }
}
