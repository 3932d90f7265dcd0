package dev.lifeboat.agent.ops;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's side of a dump during a backup: {@code go}, then the command's standard output read
 * from the FIFO {@code out} as it is produced, then its exit status from {@code exit}. A non-zero
 * status, no status at all, or no output fails the dump with the last lines of its standard error.
 */
final class DumpReader {
  /** Copy buffer: one, whatever the dump's size. */
  private static final int BUFFER = 1 << 16;

  /**
   * @param start how long the dump container may take to open its end of the FIFO (pulling an image)
   * @param exit how long after the output ended its exit status may take to appear
   */
  record Waits(Duration start, Duration exit) {
    static final Waits DEFAULT = new Waits(Duration.ofMinutes(10), Duration.ofSeconds(60));
  }

  private DumpReader() {}

  /** Streams the dump's output into {@code sink} (left open); returns how many bytes the command wrote. */
  static long read(DumpSource dump, OutputStream sink, Waits waits) throws IOException {
    Path dir = dump.dir();
    DumpFiles.go(dir);
    FileInputStream in = DumpFiles.openOrGiveUp(dir, () -> DumpFiles.openForReading(dir), waits.start());
    if (in == null) {
      throw new DumpFailed("dump " + dump.name() + ": container dump-" + dump.name() + " did not open its output within "
          + seconds(waits.start()) + " (not started: an image that cannot be pulled, a missing Secret?); gave up");
    }
    long bytes = 0;
    try (in) {
      byte[] buffer = new byte[BUFFER];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sink.write(buffer, 0, n);
        bytes += n;
      }
    }
    Integer status = DumpFiles.awaitExit(dir, waits.exit());
    if (status == null) {
      throw new DumpFailed("dump " + dump.name() + " reported no exit status within " + seconds(waits.exit())
          + " after its output ended: " + DumpFiles.errTail(dir));
    }
    if (status != 0) {
      throw DumpFailed.exited("dump " + dump.name() + " exited " + status + ": " + DumpFiles.errTail(dir), status);
    }
    if (bytes == 0) {
      throw new DumpFailed("dump " + dump.name() + " exited 0 but wrote nothing: " + DumpFiles.errTail(dir));
    }
    return bytes;
  }

  static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() / 1000.0 + "s";
  }
}
