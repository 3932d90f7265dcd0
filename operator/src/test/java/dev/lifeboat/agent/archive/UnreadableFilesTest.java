package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.agent.archive.ChildArchiver.Way;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent may not read is data left out (an omission that names owner and mode, so the fix is
 * obvious), not a warning. Root reads everything: as root (CI) the agent runs as nobody in a child JVM.
 */
class UnreadableFilesTest {
  @TempDir
  Path tmp;
  Path volume;

  @BeforeEach
  void volume() throws IOException {
    volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.write(volume, "a.txt", "readable", 0644);
  }

  @AfterEach
  void restorePermissionsSoTheTempDirCanBeDeleted() throws IOException {
    try (var all = Files.walk(volume)) {
      for (Path p : all.toList()) {
        Files.setAttribute(p, "unix:mode", Files.isDirectory(p) ? 0755 : 0644);
      }
    }
  }

  @Test
  void anUnreadableFileIsAnOmissionNamingItsOwnerAndMode() throws Exception {
    Trees.write(volume, "keys/tls.key", "secret", 0600);
    Path key = volume.resolve("keys/tls.key");
    hideFromTheAgent(key, 0600);

    Findings findings = archiveAsTheAgent();

    assertThat(findings.omissions()).containsExactly("keys/tls.key: permission denied (owner uid " + uid(key)
        + ", mode " + mode(key) + "), skipped");
    assertThat(findings.warnings()).isEmpty();
  }

  @Test
  void anUnlistableDirectoryIsAnOmissionNamingItsOwnerAndMode() throws Exception {
    Trees.write(volume, "pgdata/base/1", "rows", 0600);
    Path pgdata = volume.resolve("pgdata");
    hideFromTheAgent(pgdata, 0700);

    Findings findings = archiveAsTheAgent();

    assertThat(findings.omissions()).containsExactly("pgdata: permission denied (owner uid " + uid(pgdata)
        + ", mode " + mode(pgdata) + "), contents skipped");
    assertThat(findings.warnings()).isEmpty();
  }

  @Test
  void aFifoIsStillOnlyAWarning() throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", volume.resolve("pipe").toString()).start();
    assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");

    ArchiveStats stats = Trees.archive(volume, List.of()).stats();

    assertThat(stats.warnings()).containsExactly("pipe: skipped (fifo)");
    assertThat(stats.omissions()).isEmpty();
  }

  private record Findings(List<String> warnings, List<String> omissions) {}

  /** A non-root agent reads what its mode allows: mode 000 for this user, or root's file kept from nobody. */
  private static void hideFromTheAgent(Path path, int rootOwnedMode) throws IOException {
    Files.setAttribute(path, "unix:mode", Ownership.runningAsRoot() ? rootOwnedMode : 0);
  }

  private Findings archiveAsTheAgent() throws Exception {
    if (!Ownership.runningAsRoot()) {
      ArchiveStats stats = Trees.archive(volume, List.of()).stats();
      return new Findings(stats.warnings(), stats.omissions());
    }
    assumeTrue(ChildArchiver.available(Way.NOBODY, tmp), "as root, needs setpriv to run the agent as nobody");
    ChildArchiver.openUpParents(volume);
    ChildArchiver.Result result = ChildArchiver.archive(Way.NOBODY, volume, Files.createDirectory(tmp.resolve("work")));
    return new Findings(result.warnings(), result.omissions());
  }

  private static int uid(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid");
  }

  private static String mode(Path path) throws IOException {
    Map<String, Object> attributes = Files.readAttributes(path, "unix:mode");
    return String.format("%04o", (Integer) attributes.get("mode") & 07777);
  }
}
