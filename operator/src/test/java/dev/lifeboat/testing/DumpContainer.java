package dev.lifeboat.testing;

import dev.lifeboat.common.CommandContainers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Plays a dump (or restore target) container beside the agent with local processes: makes a dump
 * directory with its FIFO {@code out} (mkfifo, as the setup container does), and runs the Jobs' own
 * wrapper ({@link CommandContainers#WRAPPER}) with this machine's busybox, as the container runs it
 * with the copy in the pod: wait for {@code go} (give up on {@code abort}), run the command with its
 * standard output on (or, for a target, its standard input from) the FIFO and standard error in
 * {@code err}, then write its exit status into {@code exit} by rename, and always end 0.
 */
public final class DumpContainer implements AutoCloseable {
  /** The timeout the wrapper runs a command under: longer than any test waits. */
  private static final long TIMEOUT_SECONDS = 3600;

  private final Path dir;
  private final Process process;

  private DumpContainer(Path dir, Process process) {
    this.dir = dir;
    this.process = process;
  }

  /** A dump directory {@code parent/name} with its FIFO, and nobody at the other end (a container that never started). */
  public static Path directory(Path parent, String name) throws IOException {
    Path dir = Files.createDirectories(parent.resolve(name));
    run("mkfifo", "-m", "0666", dir.resolve("out").toString());
    return dir;
  }

  /** A dump container: {@code command}'s standard output goes into the FIFO. */
  public static DumpContainer dump(Path parent, String name, String... command) throws IOException {
    return start(directory(parent, name), CommandContainers.DUMP_ROLE, command);
  }

  /** A restore target container: {@code command} reads the FIFO as its standard input. */
  public static DumpContainer target(Path parent, String name, String... command) throws IOException {
    return start(directory(parent, name), CommandContainers.TARGET_ROLE, command);
  }

  /** A command run by /bin/sh -c, for shell one-liners. */
  public static String[] sh(String script) {
    return new String[] {"/bin/sh", "-c", script};
  }

  /** This machine's busybox (Debian: busybox-static), or null. */
  public static Path busybox() {
    return Stream.of(Path.of("/usr/bin/busybox"), Path.of("/bin/busybox")).filter(Files::isExecutable).findFirst()
        .orElse(null);
  }

  private static DumpContainer start(Path dir, String role, String... command) throws IOException {
    Path busybox = busybox();
    if (busybox == null) {
      throw new IllegalStateException("the dump wrapper runs with busybox, which is not installed here (Debian: busybox-static)");
    }
    List<String> all = CommandContainers.commandLine(busybox.toString(), role, dir.toString(), TIMEOUT_SECONDS,
        List.of(command));
    Process process = new ProcessBuilder(all).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("wrapper.log").toFile())).start();
    return new DumpContainer(dir, process);
  }

  public Path dir() {
    return dir;
  }

  /** Whether the wrapper ended (0, as it always does) within {@code seconds}. */
  public boolean endsWithin(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) && process.exitValue() == 0;
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static void run(String... command) throws IOException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
