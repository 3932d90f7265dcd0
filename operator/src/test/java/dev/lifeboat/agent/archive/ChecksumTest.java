package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.agent.archive.Trees.Archived;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumTest {
  private static final String WRONG = "0".repeat(64);

  @TempDir
  Path tmp;
  Archived archived;
  Map<String, String> manifest;

  @BeforeEach
  void archiveOfTheSampleVolume() throws IOException {
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);
    archived = Trees.archive(volume, List.of());
    manifest = new TreeMap<>(Trees.digestMap(archived.stats()));
  }

  @Test
  void restoreFailsNamingTheFileWhoseDigestDiffersAndDeletesIt() {
    manifest.put("data/x.json", WRONG);
    Path target = tmp.resolve("target");

    assertThatThrownBy(() -> new SafeExtractor(target, RestoreMode.Replace, List.of())
            .extract(archived.stream(), manifest))
        .isInstanceOf(ChecksumMismatchException.class)
        .hasMessageContaining("data/x.json")
        .satisfies(e -> assertThat(((ChecksumMismatchException) e).path()).isEqualTo("data/x.json"));
    assertThat(target.resolve("data/x.json")).doesNotExist();
  }

  @Test
  void restoreAcceptsUpperCaseDigestsFromTheManifest() throws IOException {
    manifest.replaceAll((path, sha) -> sha.toUpperCase());

    ArchiveStats stats = new SafeExtractor(tmp.resolve("target"), RestoreMode.Replace, List.of())
        .extract(archived.stream(), manifest);

    assertThat(stats.files()).isEqualTo(manifest.size());
  }

  @Test
  void restoreFailsWhenTheManifestListsAFileTheArchiveLacks() {
    manifest.put("data/lost.json", WRONG);

    assertThatThrownBy(() -> new SafeExtractor(tmp.resolve("target"), RestoreMode.Replace, List.of())
            .extract(archived.stream(), manifest))
        .isInstanceOf(ChecksumMismatchException.class)
        .hasMessage("data/lost.json: missing from archive");
  }

  @Test
  void verifierDetectsAWrongDigest() {
    manifest.put("memory.db", WRONG);

    assertThatThrownBy(() -> ArchiveVerifier.verify(archived.stream(), manifest))
        .isInstanceOf(ChecksumMismatchException.class)
        .hasMessageContaining("memory.db");
  }

  @Test
  void verifierDetectsAFileMissingFromTheArchive() {
    manifest.put("data/lost.json", WRONG);

    assertThatThrownBy(() -> ArchiveVerifier.verify(archived.stream(), manifest))
        .isInstanceOf(ChecksumMismatchException.class)
        .hasMessage("data/lost.json: missing from archive");
  }

  @Test
  void verifierDetectsAFileTheManifestDoesNotList() {
    manifest.remove("memory.db");

    assertThatThrownBy(() -> ArchiveVerifier.verify(archived.stream(), manifest))
        .isInstanceOf(ChecksumMismatchException.class)
        .hasMessage("memory.db: in the archive but not in the manifest");
  }

  @Test
  void verifierFailsOnATruncatedArchive() {
    byte[] truncated = Arrays.copyOf(archived.bytes(), 1000);

    assertThatThrownBy(() -> ArchiveVerifier.verify(new ByteArrayInputStream(truncated), manifest))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ChecksumMismatchException.class);
  }

  @Test
  void verifierWithoutAManifestOnlyReadsTheArchive() throws IOException {
    assertThat(ArchiveVerifier.verify(archived.stream(), Map.of())).isEqualTo(Trees.asRead(archived.stats()));
  }
}
