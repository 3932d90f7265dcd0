package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without Lifeboat, an unencrypted backup restores with zstd/gzip and GNU tar, and back (docs/repository-format.md). */
class StandardToolsTest {
  @TempDir
  Path tmp;

  @Test
  void zstdAndGnuTarRestoreOurArchiveByHand() throws Exception {
    requireTools("zstd", "tar");
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);
    Path archive = writeArchive(volume, Codec.zstd);
    Path restored = Files.createDirectory(tmp.resolve("restored"));

    run("zstd -d -c '" + archive + "' | tar -x -C '" + restored + "'");

    assertThat(Trees.snapshot(restored)).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void gnuTarRestoresOurGzipArchiveByHand() throws Exception {
    requireTools("gzip", "tar");
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);
    Path archive = writeArchive(volume, Codec.gzip);
    Path restored = Files.createDirectory(tmp.resolve("restored"));

    run("tar -xzf '" + archive + "' -C '" + restored + "'");

    assertThat(Trees.snapshot(restored)).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void restoresAnArchiveThatGnuTarMadeWithDotSlashNamesAndHardlinks() throws Exception {
    requireTools("tar");
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);
    Files.createLink(volume.resolve("data/hardlink.json"), volume.resolve("data/x.json"));
    Trees.stampTimes(volume);
    Path archive = tmp.resolve("gnu.tar");
    run("tar --format=posix -cf '" + archive + "' -C '" + volume + "' .");

    Path restored = tmp.resolve("restored");
    ArchiveStats stats;
    try (InputStream in = Files.newInputStream(archive)) {
      stats = new SafeExtractor(restored, RestoreMode.Replace, List.of()).extract(in, Map.of());
    }

    assertThat(Trees.snapshot(restored)).isEqualTo(Trees.snapshot(volume));
    assertThat(Files.isSameFile(restored.resolve("data/hardlink.json"), restored.resolve("data/x.json"))).isTrue();
    assertThat(stats.warnings()).isEmpty();
  }

  private Path writeArchive(Path volume, Codec codec) throws IOException {
    Path archive = tmp.resolve("volume" + codec.extension());
    try (OutputStream out = codec.compress(Files.newOutputStream(archive))) {
      new VolumeArchiver(volume, List.of()).write(out);
    }
    return archive;
  }

  private static void requireTools(String... tools) throws Exception {
    for (String tool : tools) {
      boolean present = new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0;
      String gnu = tool.equals("tar") && present ? output("tar --version") : "";
      assumeTrue(present && (!tool.equals("tar") || gnu.contains("GNU tar")),
          "zstd/GNU tar not installed: " + tool + (present ? " is not GNU tar" : " is not on the PATH"));
    }
  }

  private static void run(String command) throws Exception {
    Process process = new ProcessBuilder("bash", "-c", "set -o pipefail; " + command)
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("%s%n%s", command, output).isZero();
  }

  private static String output(String command) throws Exception {
    Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return output;
  }
}
