package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a backup built on an earlier one reads again, and which it trusts unchanged. */
class UnchangedFilesTest {
  @TempDir
  Path volume;

  @BeforeEach
  void sampleVolume() throws IOException, InterruptedException {
    Trees.sampleVolume(volume);
    settle();
  }

  @Test
  void filesWithTheSameSizeTimesAndInodeAreNotReadAgain() throws IOException {
    ArchiveStats first = archive(null);

    Trees.Archived second = Trees.archive(archiver(first), Codec.none);

    assertThat(second.stats().reused()).isEqualTo(second.stats().files()).isEqualTo(first.files());
    assertThat(second.stats().treeSha256()).isEqualTo(first.treeSha256());
    assertThat(Trees.entryNames(second.bytes())).as("directories and symlinks only")
        .allMatch(name -> name.endsWith("/") || Files.isSymbolicLink(volume.resolve(name)));
  }

  @Test
  void aWriteThatKeepsSizeAndMtimeIsSeenThroughTheStatusChangeTime() throws IOException {
    ArchiveStats first = archive(null);
    Path file = volume.resolve("data/x.json");
    var mtime = Files.getLastModifiedTime(file);
    Files.writeString(file, "{\"x\": 7}\n");
    Files.setLastModifiedTime(file, mtime);

    ArchiveStats second = archive(first);

    assertThat(readAgain(second)).containsExactly("data/x.json");
  }

  @Test
  void aChmodOrAFileReplacedUnderTheSameNameIsReadAgain() throws IOException {
    ArchiveStats first = archive(null);
    Files.setAttribute(volume.resolve("empty.txt"), "unix:mode", 0600);
    Path replacement = volume.resolve("replacement");
    Files.copy(volume.resolve("emoji-🚀.txt"), replacement, StandardCopyOption.COPY_ATTRIBUTES);
    Files.move(replacement, volume.resolve("emoji-🚀.txt"), StandardCopyOption.REPLACE_EXISTING);

    ArchiveStats second = archive(first);

    assertThat(readAgain(second)).containsExactlyInAnyOrder("empty.txt", "emoji-🚀.txt");
  }

  @Test
  void aDatabaseBesideItsWriteAheadLogIsAlwaysReadAgain() throws IOException {
    ArchiveStats first = archive(null);
    // SQLite commits into the -wal without touching the database file's times.
    Files.writeString(volume.resolve("memory.db-wal"), "frames");

    ArchiveStats second = archive(first);

    assertThat(readAgain(second)).contains("memory.db");
  }

  @Test
  void aFileThatChangedJustBeforeItWasReadIsReadAgainNextTime() throws IOException, InterruptedException {
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 8}\n");
    ArchiveStats first = archive(null); // within the same clock tick, a further write would leave its times as they are
    settle();

    ArchiveStats second = archive(first);

    assertThat(readAgain(second)).containsExactly("data/x.json");
  }

  private ArchiveStats archive(ArchiveStats earlier) throws IOException {
    return Trees.archive(archiver(earlier), Codec.none).stats();
  }

  /** An archiver reusing what {@code earlier} read, as a backup building on it does (each file in layer 0). */
  private VolumeArchiver archiver(ArchiveStats earlier) {
    VolumeArchiver archiver = new VolumeArchiver(volume, List.of());
    if (earlier != null) {
      archiver.reuse(new UnchangedFiles(earlier.digests().stream().map(d -> d.inLayer(0)).toList()));
    }
    return archiver;
  }

  /** Files the archive holds because they were read again, not reused. */
  private static List<String> readAgain(ArchiveStats stats) {
    return stats.digests().stream().filter(d -> d.layer() == null).map(FileDigest::path).toList();
  }

  /** Past the window in which a file's times cannot be trusted yet (VolumeArchiver.RACY_NANOS). */
  private static void settle() throws InterruptedException {
    Thread.sleep(2 * VolumeArchiver.RACY_NANOS / 1_000_000);
  }
}
