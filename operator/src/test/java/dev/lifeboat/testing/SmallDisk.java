package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system (tmpfs) mounted for one test: the only honest way to see what the agent
 * does when a volume fills up, since root ignores file modes but not a full disk. Needs root and a
 * {@code mount} the machine allows; elsewhere the test is skipped, saying so.
 */
public final class SmallDisk implements AutoCloseable {
  private final Path mountPoint;

  private SmallDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code bytes} (and at most {@code inodes} files and directories, 0 for the default). */
  public static SmallDisk mount(Path mountPoint, long bytes, int inodes) throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    String options = "size=" + bytes + (inodes > 0 ? ",nr_inodes=" + inodes : "");
    boolean mounted = run(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", mountPoint.toString()));
    assumeTrue(mounted, "needs root and a tmpfs mount to model a full volume; this machine refused the mount: skipped");
    return new SmallDisk(mountPoint);
  }

  public Path root() {
    return mountPoint;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run(List.of("umount", mountPoint.toString()));
  }

  private static boolean run(List<String> command) throws IOException, InterruptedException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().transferTo(OutputStream.nullOutputStream());
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false; // no mount command at all
    }
  }
}
