package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.agent.archive.Trees.Archived;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreModeTest {
  @TempDir
  Path tmp;
  Path target;
  Archived archived;

  @BeforeEach
  void archiveOfTheSampleVolume() throws IOException {
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);
    archived = Trees.archive(volume, List.of());
    target = Files.createDirectory(tmp.resolve("target"));
  }

  @Test
  void mergeKeepsAnUnrelatedExistingFileAndOverwritesArchivedOnes() throws IOException {
    Files.writeString(target.resolve("unrelated.txt"), "keep me");
    Files.writeString(target.resolve("memory.db"), "stale");

    restore(RestoreMode.Merge, List.of());

    assertThat(target.resolve("unrelated.txt")).hasContent("keep me");
    assertThat(target.resolve("memory.db")).hasContent("sqlite bytes");
  }

  @Test
  void replaceRemovesAnUnrelatedExistingFile() throws IOException {
    Files.writeString(target.resolve("unrelated.txt"), "gone");
    Files.createDirectories(target.resolve("old/dir"));

    restore(RestoreMode.Replace, List.of());

    assertThat(target.resolve("unrelated.txt")).doesNotExist();
    assertThat(target.resolve("old")).doesNotExist();
    assertThat(target.resolve("memory.db")).hasContent("sqlite bytes");
  }

  @Test
  void replaceDeletesASymlinkInTheTargetButNotWhatItPointsTo() throws IOException {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("precious.txt"), "precious");
    Files.createSymbolicLink(target.resolve("escape"), outside);
    Files.createSymbolicLink(target.resolve("escape-file"), outside.resolve("precious.txt"));

    restore(RestoreMode.Replace, List.of());

    assertThat(target.resolve("escape")).doesNotExist();
    assertThat(target.resolve("escape-file")).doesNotExist();
    assertThat(outside.resolve("precious.txt")).hasContent("precious");
  }

  @Test
  void mergeReplacesAnExistingSymlinkWhereTheArchiveHasADirectory() throws IOException {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.createSymbolicLink(target.resolve("data"), outside);

    restore(RestoreMode.Merge, List.of());

    assertThat(Files.isSymbolicLink(target.resolve("data"))).isFalse();
    assertThat(target.resolve("data/x.json")).exists();
    assertThat(Trees.isEmptyDirectory(outside)).isTrue();
  }

  @Test
  void restoresOnlyTheSelectedPaths() throws IOException {
    ArchiveStats stats = restore(RestoreMode.Replace, List.of("data/", "memory.db"));

    assertThat(Trees.snapshot(target).keySet()).containsExactlyInAnyOrder(
        "data", "data/x.json", "data/dangling", "data/nested", "data/nested/deeper",
        "data/nested/deeper/script.sh", "memory.db");
    assertThat(stats.digests()).extracting(FileDigest::path)
        .containsExactly("data/nested/deeper/script.sh", "data/x.json", "memory.db");
  }

  @Test
  void replaceWithSelectedPathsLeavesTheRestOfTheTargetAlone() throws IOException {
    Files.createDirectories(target.resolve("data"));
    Files.writeString(target.resolve("data/stale.json"), "stale");
    Files.writeString(target.resolve("other.txt"), "other");

    restore(RestoreMode.Replace, List.of("data"));

    assertThat(target.resolve("data/stale.json")).doesNotExist();
    assertThat(target.resolve("data/x.json")).exists();
    assertThat(target.resolve("other.txt")).hasContent("other");
  }

  @Test
  void aSelectionDoesNotDemandFilesOutsideItFromTheManifest() throws IOException {
    restore(RestoreMode.Replace, List.of("memory.db"));

    assertThat(Trees.snapshot(target).keySet()).containsExactly("memory.db");
  }

  @Test
  void aSelectedPathWithDotDotIsRejected() {
    assertThatThrownBy(() -> new SafeExtractor(target, RestoreMode.Merge, List.of("../etc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'../etc'");
  }

  @Test
  void createsAMissingTarget() throws IOException {
    target = tmp.resolve("new/target");

    restore(RestoreMode.Replace, List.of());

    assertThat(target.resolve("memory.db")).exists();
  }

  private ArchiveStats restore(RestoreMode mode, List<String> paths) throws IOException {
    Map<String, String> manifest = Trees.digestMap(archived.stats());
    return new SafeExtractor(target, mode, paths).extract(archived.stream(), manifest);
  }
}
