package dev.lifeboat.agent.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Touches {@code <dumps>/.agent-alive} every 5 seconds while the agent works with dump containers: a
 * wrapper still waiting for {@code go} gives up once it is 60 seconds old (the agent died).
 */
final class Heartbeat implements AutoCloseable {
  static final String FILE = ".agent-alive";
  static final long PERIOD_SECONDS = 5;

  private final ScheduledExecutorService timer;

  private Heartbeat(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts beating in {@code dumpsDir}, or does nothing (null) when there is no such directory. */
  static Heartbeat start(Path dumpsDir) {
    if (dumpsDir == null || !Files.isDirectory(dumpsDir)) {
      return null;
    }
    Path file = dumpsDir.resolve(FILE);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "heartbeat " + file);
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleAtFixedRate(() -> touch(file), 0, PERIOD_SECONDS, TimeUnit.SECONDS);
    return new Heartbeat(timer);
  }

  private static void touch(Path file) {
    try {
      if (Files.exists(file)) {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
      } else {
        Files.write(file, new byte[0]);
      }
    } catch (IOException | RuntimeException e) {
      // A missed beat is harmless: the wrapper allows twelve.
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
