package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveEncryptionTest {
  private static final byte[] OBJECT = "ns/policy/20251109T020000Z/memory-data".getBytes(StandardCharsets.UTF_8);
  private static final String DECRYPT_FAILED = "wrong encryption key or tampered archive";

  @TempDir
  Path tmp;

  @Test
  void encryptedCompressedArchiveRestoresIdentically() throws IOException {
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);
    ArchiveEncryption encryption = ArchiveEncryption.fromKeyFile(binaryKey("key", 7));

    ByteArrayOutputStream stored = new ByteArrayOutputStream();
    ArchiveStats written;
    try (OutputStream out = Codec.zstd.compress(encryption.encrypt(stored, OBJECT))) {
      written = new VolumeArchiver(volume, List.of()).write(out);
    }
    Path restored = tmp.resolve("restored");
    InputStream ciphertext = new ByteArrayInputStream(stored.toByteArray());
    try (InputStream in = Codec.zstd.decompress(encryption.decrypt(ciphertext, OBJECT))) {
      new SafeExtractor(restored, RestoreMode.Replace, List.of()).extract(in, Trees.digestMap(written));
    }

    assertThat(Trees.snapshot(restored)).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void wrongKeyFailsWithAClearMessage() throws IOException {
    byte[] ciphertext = encrypt(ArchiveEncryption.fromKeyFile(binaryKey("right", 1)), payload(), OBJECT);
    ArchiveEncryption wrong = ArchiveEncryption.fromKeyFile(binaryKey("wrong", 2));

    assertThatThrownBy(() -> decrypt(wrong, ciphertext, OBJECT))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot decrypt the archive: " + DECRYPT_FAILED);
  }

  @Test
  void aFlippedCiphertextByteFails() throws IOException {
    ArchiveEncryption encryption = ArchiveEncryption.fromKeyFile(binaryKey("key", 1));
    byte[] ciphertext = encrypt(encryption, payload(), OBJECT);
    ciphertext[ciphertext.length / 2] ^= 0x01;

    assertThatThrownBy(() -> decrypt(encryption, ciphertext, OBJECT)).hasMessageContaining(DECRYPT_FAILED);
  }

  @Test
  void aTruncatedCiphertextFails() throws IOException {
    ArchiveEncryption encryption = ArchiveEncryption.fromKeyFile(binaryKey("key", 1));
    byte[] ciphertext = encrypt(encryption, payload(), OBJECT);

    assertThatThrownBy(() -> decrypt(encryption, Arrays.copyOf(ciphertext, ciphertext.length - 100), OBJECT))
        .hasMessageContaining(DECRYPT_FAILED);
  }

  @Test
  void ciphertextOfAnotherObjectFails() throws IOException {
    ArchiveEncryption encryption = ArchiveEncryption.fromKeyFile(binaryKey("key", 1));
    byte[] ciphertext = encrypt(encryption, payload(), OBJECT);
    byte[] otherObject = "ns/policy/20251110T020000Z/memory-data".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> decrypt(encryption, ciphertext, otherObject)).hasMessageContaining(DECRYPT_FAILED);
  }

  @Test
  void failuresOfTheSourceStreamAreNotBlamedOnTheKey() throws IOException {
    ArchiveEncryption encryption = ArchiveEncryption.fromKeyFile(binaryKey("key", 1));
    byte[] ciphertext = encrypt(encryption, payload(), OBJECT);
    InputStream broken = new FilterInputStream(new ByteArrayInputStream(ciphertext)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        throw new IOException("connection reset");
      }
    };

    assertThatThrownBy(() -> encryption.decrypt(broken, OBJECT).readAllBytes()).hasMessage("connection reset");
  }

  @Test
  void aKeyFileShorterThan32BytesIsRejected() throws IOException {
    Path key = Files.write(tmp.resolve("short"), new byte[31]);

    assertThatThrownBy(() -> ArchiveEncryption.fromKeyFile(key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encryption key file " + key + " holds 31 bytes; at least 32 are needed");
  }

  @Test
  void aTextKeyIgnoresOneTrailingNewline() throws IOException {
    String text = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";
    ArchiveEncryption withNewline = ArchiveEncryption.fromKeyFile(Files.writeString(tmp.resolve("a"), text + "\n"));
    ArchiveEncryption without = ArchiveEncryption.fromKeyFile(Files.writeString(tmp.resolve("b"), text));

    assertThat(withNewline.keyId()).isEqualTo(without.keyId());
    assertThat(decrypt(without, encrypt(withNewline, payload(), OBJECT), OBJECT)).isEqualTo(payload());
  }

  @Test
  void aBinaryKeyEndingInANewlineByteIsUsedWhole() throws IOException {
    byte[] key = new byte[32];
    new Random(3).nextBytes(key);
    key[31] = '\n';
    Path file = Files.write(tmp.resolve("binary"), key);

    assertThat(ArchiveEncryption.fromKeyFile(file).keyId()).hasSize(16);
  }

  @Test
  void keyIdIsStableHexAndDiffersBetweenKeys() throws IOException {
    String id = ArchiveEncryption.fromKeyFile(binaryKey("a", 1)).keyId();

    assertThat(id).matches("[0-9a-f]{16}");
    assertThat(ArchiveEncryption.fromKeyFile(binaryKey("b", 1)).keyId()).isEqualTo(id);
    assertThat(ArchiveEncryption.fromKeyFile(binaryKey("c", 2)).keyId()).isNotEqualTo(id);
  }

  @Test
  void ciphertextDoesNotContainThePlaintext() throws IOException {
    byte[] plain = "a recognisable sentence that must not show up in the object".repeat(100)
        .getBytes(StandardCharsets.UTF_8);
    byte[] ciphertext = encrypt(ArchiveEncryption.fromKeyFile(binaryKey("key", 1)), plain, OBJECT);

    assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain("recognisable");
  }

  private Path binaryKey(String name, long seed) throws IOException {
    byte[] key = new byte[32];
    new Random(seed).nextBytes(key);
    return Files.write(tmp.resolve(name), key);
  }

  /** Several segments' worth, so a flip in the middle hits a non-final segment. */
  private static byte[] payload() {
    byte[] bytes = new byte[(3 << 20) + 12345];
    new Random(9).nextBytes(bytes);
    return bytes;
  }

  private static byte[] encrypt(ArchiveEncryption encryption, byte[] plain, byte[] associatedData) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream encrypting = encryption.encrypt(out, associatedData)) {
      encrypting.write(plain);
    }
    return out.toByteArray();
  }

  private static byte[] decrypt(ArchiveEncryption encryption, byte[] ciphertext, byte[] associatedData)
      throws IOException {
    try (InputStream in = encryption.decrypt(new ByteArrayInputStream(ciphertext), associatedData)) {
      return in.readAllBytes();
    }
  }
}
