package dev.lifeboat.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plays a dump (or restore target) container beside the agent with local processes: makes a dump
 * directory with its FIFO {@code out} (mkfifo, as the setup container does), and runs a /bin/sh
 * wrapper that follows the wrapper's side of the protocol (docs/agent.md, "Dumps"): wait for
 * {@code go} (give up on {@code abort}), run the command with its standard output on (or, for a
 * target, its standard input from) the FIFO and standard error in {@code err}, then write its exit
 * status into {@code exit} by rename, and always end 0.
 */
public final class DumpContainer implements AutoCloseable {
  /** The wrapper: $1 the directory, $2 "dump" or "target", the command after them. */
  private static final String WRAPPER = String.join("\n",
      "dir=\"$1\"; role=\"$2\"; shift 2",
      "while [ ! -e \"$dir/go\" ]; do",
      "  if [ -e \"$dir/abort\" ]; then exit 0; fi",
      "  sleep 0.05",
      "done",
      "if [ \"$role\" = dump ]; then",
      "  \"$@\" > \"$dir/out\" 2> \"$dir/err\"",
      "else",
      "  \"$@\" < \"$dir/out\" 2> \"$dir/err\"",
      "fi",
      "echo $? > \"$dir/exit.tmp\"",
      "mv \"$dir/exit.tmp\" \"$dir/exit\"",
      "exit 0");

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
    return start(directory(parent, name), "dump", command);
  }

  /** A restore target container: {@code command} reads the FIFO as its standard input. */
  public static DumpContainer target(Path parent, String name, String... command) throws IOException {
    return start(directory(parent, name), "target", command);
  }

  /** A command run by /bin/sh -c, for shell one-liners. */
  public static String[] sh(String script) {
    return new String[] {"/bin/sh", "-c", script};
  }

  private static DumpContainer start(Path dir, String role, String... command) throws IOException {
    List<String> all = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "wrapper", dir.toString(), role));
    all.addAll(List.of(command));
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
