package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Keys made as the docs say pass; placeholders and patterns are refused, without quoting them. */
class KeyCheckTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path tmp;

  static byte[] random(int bytes) {
    byte[] key = new byte[bytes];
    RANDOM.nextBytes(key);
    return key;
  }

  static Stream<Arguments> keys() {
    return Stream.of(
        Arguments.of("openssl rand -base64 48", Base64.getEncoder().encode(random(48)), null),
        Arguments.of("openssl rand -hex 32", HexFormat.of().formatHex(random(32)).getBytes(StandardCharsets.US_ASCII), null),
        Arguments.of("head -c 32 /dev/urandom", random(32), null),
        Arguments.of("an example's placeholder", "REPLACE_WITH_THE_OUTPUT_OF_openssl_rand_base64_48".getBytes(StandardCharsets.US_ASCII),
            "it holds the placeholder text REPLACE"),
        Arguments.of("a placeholder in lower case", "replace-me-with-a-real-key-of-at-least-32-bytes".getBytes(StandardCharsets.US_ASCII),
            "it holds the placeholder text REPLACE"),
        Arguments.of("changeme", "changeme".getBytes(StandardCharsets.US_ASCII), "it holds the placeholder text CHANGEME"),
        Arguments.of("a short password", "hunter2-hunter2".getBytes(StandardCharsets.US_ASCII),
            "it holds 15 bytes; at least 32 are needed"),
        Arguments.of("one letter repeated", "a".repeat(48).getBytes(StandardCharsets.US_ASCII),
            "it holds only 1 different characters, so it is not random"),
        Arguments.of("32 zero bytes", new byte[32], "it holds only 1 different characters, so it is not random"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void obviousNonKeysAreRefusedAndRealKeysPass(String what, byte[] key, String problem) {
    assertThat(KeyCheck.problem(key)).as(what).isEqualTo(Optional.ofNullable(problem));
  }

  @Test
  void aNewArchiveRefusesAPlaceholderKeyButAnOldOneCanStillBeRead() throws IOException {
    String placeholder = "REPLACE_WITH_THE_OUTPUT_OF_openssl_rand_base64_48";
    Path key = Files.writeString(tmp.resolve("key"), placeholder + "\n");
    assertThatThrownBy(() -> ArchiveEncryption.forNewArchives(key)).isInstanceOf(NotAKeyException.class)
        .hasMessage("it holds the placeholder text REPLACE");
    assertThat(ArchiveEncryption.fromKeyFile(key).keyId()).as("backups made with it before still restore").hasSize(16);
  }
}
