package dev.lifeboat.agent.archive;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the bytes of a key file are obviously not a key: the placeholder text of an example
 * ({@code REPLACE_WITH_...}, {@code CHANGE_ME}), or so few different bytes that nothing random made
 * them ({@code aaaa...}). A key made as the docs say ({@code openssl rand -base64 48}, 48 random
 * bytes; {@code openssl rand -hex 32}; {@code head -c 32 /dev/urandom}) passes. The reason never
 * quotes the key.
 */
final class KeyCheck {
  /** Words that mark a value someone was meant to replace. */
  private static final String[] PLACEHOLDERS = {"REPLACE", "CHANGE_ME", "CHANGEME", "YOUR_KEY", "YOUR-KEY"};
  /** A random key shows many: a hex key (64 characters, 16 symbols) shows nearly all 16. */
  static final int MIN_DISTINCT_BYTES = 8;

  private KeyCheck() {}

  /** Why {@code key} is not a key, or empty if it may be one. */
  static Optional<String> problem(byte[] key) {
    String text = new String(key, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    for (String placeholder : PLACEHOLDERS) {
      if (text.contains(placeholder)) {
        return Optional.of("it holds the placeholder text " + placeholder);
      }
    }
    if (key.length < ArchiveEncryption.MIN_KEY_BYTES) {
      return Optional.of("it holds " + key.length + " bytes; at least " + ArchiveEncryption.MIN_KEY_BYTES
          + " are needed");
    }
    boolean[] seen = new boolean[256];
    int distinct = 0;
    for (byte b : key) {
      if (!seen[b & 0xff]) {
        seen[b & 0xff] = true;
        distinct++;
      }
    }
    if (distinct < MIN_DISTINCT_BYTES) {
      return Optional.of("it holds only " + distinct + " different characters, so it is not random");
    }
    return Optional.empty();
  }
}
