package dev.lifeboat.agent.archive;

import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Client-side encryption with Tink's streaming AEAD (AES-256-GCM-HKDF, 1 MiB segments): every segment is
 * authenticated, so a wrong key, a flipped byte, a truncated object or a swapped object (associated data)
 * all fail instead of restoring garbage.
 */
public final class ArchiveEncryption {
  static final int MIN_KEY_BYTES = 32;
  private static final int KEY_SIZE = 32;
  private static final int SEGMENT_SIZE = 1 << 20;
  private static final String KEY_CONTEXT = "lifeboat-archive-key-v1";
  private static final String KEY_ID_CONTEXT = "lifeboat-key-id-v1";
  private static final String DECRYPT_FAILED =
      "cannot decrypt the archive: wrong encryption key or tampered archive";

  private final StreamingAead aead;
  private final String keyId;

  private ArchiveEncryption(StreamingAead aead, String keyId) {
    this.aead = aead;
    this.keyId = keyId;
  }

  /**
   * Reads a key file holding at least 32 bytes of secret. A text key (such as
   * {@code openssl rand -base64 48 > key}) loses one trailing newline; a binary key
   * ({@code head -c 32 /dev/urandom > key}) is used byte for byte, so a random key that happens to end
   * in 0x0a is not shortened.
   */
  public static ArchiveEncryption fromKeyFile(Path keyFile) throws IOException {
    return load(keyFile, false);
  }

  /**
   * As {@link #fromKeyFile}, for writing new archives: a key that is obviously not one (an example's
   * placeholder text, too short, not random; see {@link KeyCheck}) is refused with {@link NotAKeyException}.
   * Reading stays lenient, so backups already made with such a key can still be restored.
   */
  public static ArchiveEncryption forNewArchives(Path keyFile) throws IOException {
    return load(keyFile, true);
  }

  private static ArchiveEncryption load(Path keyFile, boolean newArchives) throws IOException {
    byte[] raw = Files.readAllBytes(keyFile);
    byte[] key = KeyBytes.withoutTrailingNewline(raw);
    try {
      if (newArchives) {
        KeyCheck.problem(key).ifPresent(problem -> {
          throw new NotAKeyException(problem);
        });
      }
      if (key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException("encryption key file " + keyFile + " holds " + key.length
            + " bytes; at least " + MIN_KEY_BYTES + " are needed");
      }
      return fromKeyBytes(key);
    } finally {
      Arrays.fill(raw, (byte) 0);
      Arrays.fill(key, (byte) 0);
    }
  }

  private static ArchiveEncryption fromKeyBytes(byte[] key) {
    byte[] ikm = contextHash(KEY_CONTEXT, key);
    try {
      StreamingAead aead = new AesGcmHkdfStreaming(ikm, "HmacSha256", KEY_SIZE, SEGMENT_SIZE, 0);
      return new ArchiveEncryption(aead, Hashing.hex(contextHash(KEY_ID_CONTEXT, key)).substring(0, 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM-HKDF streaming is not available: " + e.getMessage(), e);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  /** Stable, non-secret id of the key (16 hex characters), recorded in the manifest. */
  public String keyId() {
    return keyId;
  }

  /**
   * Wraps {@code out}; closing the returned stream writes the final segment and closes {@code out}.
   *
   * @param associatedData binds the ciphertext to its object, e.g. "ns/policy/backupId/claim"
   */
  public OutputStream encrypt(OutputStream out, byte[] associatedData) throws IOException {
    try {
      return aead.newEncryptingStream(out, associatedData);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot start encrypting the archive: " + e.getMessage(), e);
    }
  }

  /**
   * Wraps {@code in}. Reading fails with "cannot decrypt the archive: wrong encryption key or tampered
   * archive" when authentication fails; errors of {@code in} itself (network, disk) pass through unchanged.
   */
  public InputStream decrypt(InputStream in, byte[] associatedData) throws IOException {
    FailureTrackingInputStream source = new FailureTrackingInputStream(in);
    InputStream plain;
    try {
      plain = aead.newDecryptingStream(source, associatedData);
    } catch (GeneralSecurityException e) {
      throw new IOException(DECRYPT_FAILED, e);
    }
    return new TranslatingInputStream(plain, source);
  }

  private static byte[] contextHash(String context, byte[] key) {
    MessageDigest sha = Hashing.sha256();
    sha.update(context.getBytes(StandardCharsets.US_ASCII));
    sha.update(key);
    return sha.digest();
  }

  /** Turns Tink's authentication failures into one clear message; the source's own errors stay as they are. */
  private static final class TranslatingInputStream extends FilterInputStream {
    private final FailureTrackingInputStream source;

    TranslatingInputStream(InputStream plain, FailureTrackingInputStream source) {
      super(plain);
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        throw translate(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        throw translate(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException e) {
        throw translate(e);
      }
    }

    private IOException translate(IOException e) {
      return source.causedBySource(e) ? e : new IOException(DECRYPT_FAILED, e);
    }
  }

  /** Remembers the last exception the ciphertext source threw, to tell I/O failures from bad ciphertext. */
  private static final class FailureTrackingInputStream extends FilterInputStream {
    private IOException failure;

    FailureTrackingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    boolean causedBySource(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t == failure) {
          return true;
        }
      }
      return false;
    }
  }
}
