package dev.lifeboat.agent.ops;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The files a command's wrapper and the agent share in one dump directory (docs/agent.md, "Dumps"):
 * {@code out} (a FIFO the wrapper made), {@code err} and {@code exit} (the wrapper writes them),
 * {@code go} and {@code abort} (the agent writes them). The wrapper starts the command once {@code go}
 * exists and gives up when {@code abort} appears; {@code exit} holds the command's exit status, written
 * (renamed into place) once it has ended.
 */
final class DumpFiles {
  static final String OUT = "out";
  static final String ERR = "err";
  static final String EXIT = "exit";
  static final String GO = "go";
  static final String ABORT = "abort";
  /** The stderr tail a failure quotes: its last 20 lines, at most 2 KiB. */
  static final int TAIL_LINES = 20;
  static final int TAIL_BYTES = 2048;
  private static final long POLL_MILLIS = 100;

  private DumpFiles() {}

  /** Tells the wrapper to start the command. */
  static void go(Path dir) throws IOException {
    Files.write(dir.resolve(GO), new byte[0]);
  }

  /** Tells a wrapper still waiting for {@code go} to give up; never throws (meant for failure paths). */
  static void abort(Path dir) {
    try {
      Files.write(dir.resolve(ABORT), new byte[0]);
    } catch (IOException | RuntimeException e) {
      // The directory is gone or read-only: the wrapper then ends with the pod, or on the stale heartbeat.
    }
  }

  /** A FIFO end that blocks on open until the other side opens it. */
  interface Opener<T> {
    T open() throws IOException;
  }

  /**
   * Opens one end of {@code out}, which blocks until the wrapper opens the other. When that has not
   * happened within {@code timeout} (the container never started: an image that cannot be pulled, a
   * missing Secret), {@code abort} is written and the FIFO opened read-write here, which releases the
   * blocked open; the caller gets {@code null} and fails.
   */
  static <T extends AutoCloseable> T openOrGiveUp(Path dir, Opener<T> opener, Duration timeout) throws IOException {
    Path out = dir.resolve(OUT);
    if (!Files.exists(out)) {
      throw new NoSuchFileException(out.toString(), null, "no FIFO (the setup container makes it)");
    }
    CompletableFuture<T> opened = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        opened.complete(opener.open());
      } catch (Throwable e) {
        opened.completeExceptionally(e);
      }
    }, "open " + out);
    thread.setDaemon(true);
    thread.start();
    try {
      return opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      abort(dir);
      // O_RDWR on a FIFO never blocks on Linux, and counts as both a reader and a writer.
      try (RandomAccessFile release = new RandomAccessFile(out.toFile(), "rw")) {
        T late = opened.get(10, TimeUnit.SECONDS);
        closeQuietly(late);
      } catch (TimeoutException | ExecutionException | IOException ignored) {
        // Nothing more to release.
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      return null;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot open " + out + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening " + out, e);
    }
  }

  static FileInputStream openForReading(Path dir) throws IOException {
    return new FileInputStream(dir.resolve(OUT).toFile());
  }

  static FileOutputStream openForWriting(Path dir) throws IOException {
    return new FileOutputStream(dir.resolve(OUT).toFile());
  }

  /** The command's exit status once {@code exit} appears, or null when it has not within {@code wait}. */
  static Integer awaitExit(Path dir, Duration wait) throws IOException {
    Path exit = dir.resolve(EXIT);
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      if (Files.exists(exit)) {
        String text = Files.readString(exit, StandardCharsets.UTF_8).trim();
        try {
          return Integer.parseInt(text);
        } catch (NumberFormatException e) {
          throw new IOException(exit + " holds '" + text + "', not an exit status");
        }
      }
      if (System.nanoTime() - deadline > 0) {
        return null;
      }
      try {
        // The file is written by another container of the pod: polling a shared emptyDir is the only signal.
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + exit, e);
      }
    }
  }

  /**
   * The last lines of {@code err} (at most 20 lines, 2 KiB) on one line, joined by " | " (a failure is
   * reported as one line), or "(no standard error)".
   */
  static String errTail(Path dir) {
    Path err = dir.resolve(ERR);
    byte[] bytes;
    long from;
    try (RandomAccessFile file = new RandomAccessFile(err.toFile(), "r")) {
      long length = file.length();
      from = Math.max(0, length - TAIL_BYTES);
      bytes = new byte[(int) (length - from)];
      file.seek(from);
      file.readFully(bytes);
    } catch (IOException | UncheckedIOException e) {
      return "(no standard error)";
    }
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return "(no standard error)";
    }
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n")));
    if (from > 0 && lines.size() > 1) {
      lines.remove(0); // cut in the middle
    }
    if (lines.size() > TAIL_LINES) {
      lines = lines.subList(lines.size() - TAIL_LINES, lines.size());
    }
    return String.join(" | ", lines.stream().map(String::strip).filter(l -> !l.isEmpty()).toList());
  }

  static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Failure path: the first error is the one reported.
    }
  }
}
