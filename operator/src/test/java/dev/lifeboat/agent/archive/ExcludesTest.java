package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExcludesTest {
  @TempDir
  Path volume;

  @BeforeEach
  void files() throws IOException {
    Trees.write(volume, "memory.db", "db", 0644);
    Trees.write(volume, "scratch.tmp", "t", 0644);
    Trees.write(volume, "data/x.json", "x", 0644);
    Trees.write(volume, "data/part.tmp", "t", 0644);
    Trees.write(volume, "data/deep/more.tmp", "t", 0644);
    Trees.write(volume, "logs/app.log", "log", 0644);
    Trees.write(volume, "logs/old/app.log.1", "log", 0644);
    Trees.write(volume, "cache/blob", "c", 0644);
  }

  @Test
  void leavesOutLogsContentsAndTmpFilesAtAnyDepth() throws IOException {
    List<String> names = Trees.entryNames(Trees.archive(volume, List.of("logs/**", "**/*.tmp")).bytes());

    assertThat(names).containsExactly("cache/", "cache/blob", "data/", "data/deep/", "data/x.json", "logs/",
        "memory.db");
  }

  @Test
  void aDirectoryNameExcludesTheDirectoryItself() throws IOException {
    List<String> names = Trees.entryNames(Trees.archive(volume, List.of("cache", "logs")).bytes());

    assertThat(names).noneMatch(name -> name.startsWith("cache") || name.startsWith("logs"));
    assertThat(names).contains("memory.db", "data/x.json");
  }

  @Test
  void anExcludedDirectoryIsNotWalked() throws IOException {
    List<Path> opened = new ArrayList<>();
    VolumeArchiver archiver = new VolumeArchiver(volume, List.of("logs/**", "cache")).beforeRead(opened::add);

    Trees.archive(archiver, Codec.none);

    Path root = volume.toRealPath();
    assertThat(opened).extracting(path -> root.relativize(path).toString())
        .containsExactly("data/deep/more.tmp", "data/part.tmp", "data/x.json", "memory.db", "scratch.tmp");
  }

  @Test
  void specialFilesInsideAnExcludedDirectoryAreNeverSeen() throws Exception {
    Files.createDirectories(volume.resolve("cache/sockets"));
    Process mkfifo = new ProcessBuilder("mkfifo", volume.resolve("cache/sockets/pipe").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    assertThat(Trees.archive(volume, List.of("cache/**")).stats().warnings()).isEmpty();
    assertThat(Trees.archive(volume, List.of()).stats().warnings()).containsExactly("cache/sockets/pipe: skipped (fifo)");
  }

  @Test
  void excludedFilesAreLeftOutOfTheDigestsAndCounts() throws IOException {
    ArchiveStats stats = Trees.archive(volume, List.of("**/*.tmp", "logs", "cache")).stats();

    assertThat(stats.digests()).extracting(FileDigest::path).containsExactly("data/x.json", "memory.db");
    assertThat(stats.files()).isEqualTo(2);
    assertThat(stats.bytes()).isEqualTo(3);
  }

  @Test
  void aLeadingSlashMeansTheVolumeRoot() throws IOException {
    List<String> names = Trees.entryNames(Trees.archive(volume, List.of("/memory.db")).bytes());

    assertThat(names).doesNotContain("memory.db");
  }

  @Test
  void anInvalidGlobIsRejectedWithItsText() {
    assertThatThrownBy(() -> new VolumeArchiver(volume, List.of("data/[x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'data/[x'");
  }
}
