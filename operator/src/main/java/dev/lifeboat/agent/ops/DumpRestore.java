package dev.lifeboat.agent.ops;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's side of a restore into a command: the target command reads the FIFO {@code out} as its
 * standard input; the agent writes {@code go}, opens {@code out} for writing and streams the dump into
 * it, closes it (the command sees the end of its input) and waits for {@code exit}. A command that ends
 * early shows as a broken pipe; its exit status and standard error then say why.
 */
final class DumpRestore {
  private static final int BUFFER = 1 << 16;

  private DumpRestore() {}

  /** A failure of the source (download, checksum), not of the command. */
  static final class SourceFailed extends IOException {
    SourceFailed(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Writes all of {@code source} into the command at {@code dir}; returns the bytes written. Errors of
   * {@code source} are thrown as they are (the command sees its input end early).
   */
  static long write(String dump, InputStream source, Path dir, DumpReader.Waits waits) throws IOException {
    DumpFiles.go(dir);
    FileOutputStream out = DumpFiles.openOrGiveUp(dir, () -> DumpFiles.openForWriting(dir), waits.start());
    if (out == null) {
      throw new DumpFailed("restore of dump " + dump + ": the target command did not open its input within "
          + DumpReader.seconds(waits.start()) + " (not started: an image that cannot be pulled, a missing Secret?); gave up");
    }
    long bytes = 0;
    IOException broken = null;
    try (out) {
      byte[] buffer = new byte[BUFFER];
      while (true) {
        int n;
        try {
          n = source.read(buffer);
        } catch (IOException e) {
          throw new SourceFailed(e);
        }
        if (n < 0) {
          break;
        }
        try {
          out.write(buffer, 0, n);
        } catch (IOException e) {
          broken = e; // the command closed its input: it ended, or stopped reading
          break;
        }
        bytes += n;
      }
    } catch (IOException e) {
      if (e instanceof SourceFailed s) {
        throw (IOException) s.getCause();
      }
      broken = broken != null ? broken : e; // close() of a pipe whose reader has gone
    }
    Integer status = DumpFiles.awaitExit(dir, waits.exit());
    if (status == null) {
      throw new DumpFailed("restore of dump " + dump + ": the target command reported no exit status within "
          + DumpReader.seconds(waits.exit()) + (broken != null ? " after it stopped reading" : " after its input ended")
          + ": " + DumpFiles.errTail(dir));
    }
    if (status != 0) {
      throw DumpFailed.exited("restore of dump " + dump + ": the target command exited " + status
          + (broken != null ? " after reading " + Sizes.human(bytes) : "") + ": " + DumpFiles.errTail(dir), status);
    }
    if (broken != null) {
      throw new DumpFailed("restore of dump " + dump + ": the target command exited 0 after reading only "
          + Sizes.human(bytes) + " of it: " + DumpFiles.errTail(dir), broken);
    }
    return bytes;
  }
}
