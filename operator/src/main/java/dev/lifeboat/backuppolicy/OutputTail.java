package dev.lifeboat.backuppolicy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last bytes written to it: a command's output tail, in memory bounded whatever it prints. */
final class OutputTail extends OutputStream {
  private final byte[] ring;
  private long written;

  OutputTail(int capacity) {
    this.ring = new byte[capacity];
  }

  @Override
  public synchronized void write(int b) {
    ring[(int) (written++ % ring.length)] = (byte) b;
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    for (int i = 0; i < length; i++) {
      write(bytes[offset + i]);
    }
  }

  /** The last bytes, oldest first. */
  synchronized byte[] bytes() {
    int size = (int) Math.min(written, ring.length);
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) {
      out[i] = ring[(int) ((written - size + i) % ring.length)];
    }
    return out;
  }

  /**
   * The last {@code limit} bytes of {@code text} as UTF-8 (a character cut in half at the start
   * becomes U+FFFD): so a status field or Event message stays within its size.
   */
  static String last(String text, int limit) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= limit) {
      return text;
    }
    String cut = new String(bytes, bytes.length - limit, limit, StandardCharsets.UTF_8);
    // A cut inside a character decodes to U+FFFD (3 bytes): drop the head until it fits again.
    while (cut.getBytes(StandardCharsets.UTF_8).length > limit) {
      cut = cut.substring(1);
    }
    return cut;
  }
}
