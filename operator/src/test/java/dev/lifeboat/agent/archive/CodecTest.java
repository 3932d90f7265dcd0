package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CodecTest {
  @ParameterizedTest
  @CsvSource({
      "memory-data.tar.zst, zstd", "memory-data.tar.zst.enc, zstd",
      "memory-data.tar.gz, gzip", "memory-data.tar.gz.enc, gzip",
      "memory-data.tar, none", "memory-data.tar.enc, none"})
  void tellsTheCodecFromTheObjectName(String name, Codec codec) {
    assertThat(Codec.fromFileName(name)).isEqualTo(codec);
  }

  @Test
  void extensionsAreTheStandardOnes() {
    assertThat(Codec.zstd.extension()).isEqualTo(".tar.zst");
    assertThat(Codec.gzip.extension()).isEqualTo(".tar.gz");
    assertThat(Codec.none.extension()).isEqualTo(".tar");
  }

  @Test
  void anUnknownExtensionIsRejectedWithTheName() {
    assertThatThrownBy(() -> Codec.fromFileName("memory-data.zip"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'memory-data.zip'");
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void decompressesWhatItCompressed(Codec codec) throws IOException {
    byte[] plain = "lifeboat ".repeat(100_000).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (OutputStream out = codec.compress(compressed)) {
      out.write(plain);
    }
    try (InputStream in = codec.decompress(new ByteArrayInputStream(compressed.toByteArray()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain);
    }
    if (codec != Codec.none) {
      assertThat(compressed.size()).isLessThan(plain.length / 10);
    }
  }

  @Test
  void aTruncatedZstdStreamFails() throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (OutputStream out = Codec.zstd.compress(compressed)) {
      out.write(new byte[1 << 20]);
    }
    byte[] bytes = compressed.toByteArray();
    InputStream truncated = new ByteArrayInputStream(bytes, 0, bytes.length - 4);

    assertThatThrownBy(() -> Codec.zstd.decompress(truncated).readAllBytes()).isInstanceOf(IOException.class);
  }
}
