package dev.lifeboat.agent.ops;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Counts bytes read and prints "restore: 12.0 MiB / 40.0 MiB (30%)" at most every interval and
 * once at the end. The operator shows these lines as a RestoreRequest's progress.
 */
final class Progress extends FilterInputStream {
  private static final long INTERVAL_NANOS = 2_000_000_000L;
  private final String label;
  private final long total;
  private final PrintStream out;
  private long done;
  private long lastPrint = System.nanoTime();

  Progress(InputStream in, String label, long total, PrintStream out) {
    super(in);
    this.label = label;
    this.total = total;
    this.out = out;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      advance(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int off, int len) throws IOException {
    int n = super.read(buffer, off, len);
    if (n > 0) {
      advance(n);
    }
    return n;
  }

  private void advance(long n) {
    done += n;
    long now = System.nanoTime();
    if (now - lastPrint >= INTERVAL_NANOS) {
      lastPrint = now;
      print();
    }
  }

  void print() {
    int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    out.println(String.format(Locale.ROOT, "%s: %d / %d bytes (%d%%)", label, done, total, percent));
    out.flush();
  }
}
