package dev.lifeboat.agent.archive;

import java.util.Arrays;

/** The secret in a key file: text keys lose one trailing newline, binary keys are taken as they are. */
final class KeyBytes {
  private KeyBytes() {}

  static byte[] withoutTrailingNewline(byte[] raw) {
    int end = raw.length;
    if (end > 0 && raw[end - 1] == '\n') {
      end--;
      if (end > 0 && raw[end - 1] == '\r') {
        end--;
      }
    }
    if (end == raw.length || !isPrintableAscii(raw, end)) {
      return raw.clone();
    }
    return Arrays.copyOf(raw, end);
  }

  private static boolean isPrintableAscii(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
