package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.agent.archive.Trees.Archived;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live volume changes under the archiver: a file that changed while read is read once more (a second
 * entry of the same name); warnings only for what kept changing or vanished; never a broken archive.
 */
class ChangingFilesTest {
  @TempDir
  Path tmp;
  Path volume;

  @BeforeEach
  void files() throws IOException {
    volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.write(volume, "a.txt", "first", 0644);
    Trees.write(volume, "data/x.log", "0123456789", 0644);
    Trees.write(volume, "z.txt", "last", 0644);
  }

  @Test
  void aFileThatShrankWhileReadIsReadAgainAndKeepsItsSecondRead() throws IOException {
    Archived archived = archiveChanging("data/x.log", file -> {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(4);
      }
    });

    assertThat(archived.stats().warnings()).isEmpty();
    assertThat(Trees.entryNames(archived.bytes())).containsExactly("a.txt", "data/", "data/x.log", "data/x.log", "z.txt");
    assertThat(archived.stats().digests()).extracting(FileDigest::path).containsExactly("a.txt", "data/x.log", "z.txt");
    assertThat(archived.stats().digests()).extracting(FileDigest::content).contains(new FileDigest("data/x.log", 4, sha256("0123")));
    assertThat(assertArchiveStillRestores(archived).resolve("data/x.log")).hasContent("0123");
  }

  @Test
  void aFileChangedOnlyDuringItsFirstReadIsArchivedAgainWithItsSecondContentAndNoWarning() throws IOException {
    boolean[] changed = {false};
    Archived archived = archiveChanging("data/x.log", file -> {
      if (!changed[0]) {
        Files.writeString(file, "more", StandardOpenOption.APPEND);
        changed[0] = true;
      }
    });

    assertThat(archived.stats().warnings()).isEmpty();
    assertThat(Trees.entryNames(archived.bytes())).containsExactly("a.txt", "data/", "data/x.log", "data/x.log", "z.txt");
    assertThat(archived.stats().digests()).extracting(FileDigest::content).contains(new FileDigest("data/x.log", 14, sha256("0123456789more")));
    assertThat(assertArchiveStillRestores(archived).resolve("data/x.log")).hasContent("0123456789more");
  }

  @Test
  void aFileThatKeepsChangingIsReadTwiceAndKeepsItsLastReadWithAWarning() throws IOException {
    Archived archived = archiveChanging("data/x.log",
        file -> Files.writeString(file, "more", StandardOpenOption.APPEND));

    assertThat(archived.stats().warnings()).containsExactly("data/x.log: changed while reading (read twice)");
    assertThat(Trees.entryNames(archived.bytes())).containsExactly("a.txt", "data/", "data/x.log", "data/x.log", "z.txt");
    // The second read is cut to the size it began with: 14 bytes, though the file had grown to 18.
    assertThat(archived.stats().digests()).extracting(FileDigest::content).contains(new FileDigest("data/x.log", 14, sha256("0123456789more")));
    assertThat(assertArchiveStillRestores(archived).resolve("data/x.log")).hasContent("0123456789more");
  }

  @Test
  void aFileRewrittenWithTheSameSizeIsNoticedByItsMtimeAndReadAgain() throws IOException {
    FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(volume.resolve("data/x.log")).toMillis() + 5000);
    Archived archived = archiveChanging("data/x.log", file -> {
      if (!Files.getLastModifiedTime(file).equals(later)) {
        Files.writeString(file, "abcdefghij");
        Files.setLastModifiedTime(file, later);
      }
    });

    assertThat(archived.stats().warnings()).isEmpty();
    assertThat(Trees.entryNames(archived.bytes())).containsExactly("a.txt", "data/", "data/x.log", "data/x.log", "z.txt");
    assertThat(assertArchiveStillRestores(archived).resolve("data/x.log")).hasContent("abcdefghij");
  }

  @Test
  void gnuTarKeepsTheSecondReadOfAFileReadTwice() throws Exception {
    SqliteCaptureTest.requireTools("tar");
    Archived archived = archiveChanging("data/x.log", file -> {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(4);
      }
    });
    Path archive = Files.write(tmp.resolve("volume.tar"), archived.bytes());
    Path restored = Files.createDirectory(tmp.resolve("gnu"));

    SqliteCaptureTest.run("tar -x -f '" + archive + "' -C '" + restored + "'");

    assertThat(restored.resolve("data/x.log")).hasContent("0123");
    assertThat(Trees.sha256(restored.resolve("data/x.log"))).isEqualTo(Trees.digestMap(archived.stats()).get("data/x.log"));
  }

  /** The first, superseded entry of a file read twice does not fail a restore or a verify against the manifest. */
  @Test
  void aFileReadTwiceRestoresAndVerifiesAgainstTheManifest() throws IOException {
    Archived archived = archiveChanging("data/x.log", file -> {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(4);
      }
    });
    Map<String, String> manifest = Trees.digestMap(archived.stats());

    var restored = new SafeExtractor(tmp.resolve("restored"), RestoreMode.Replace, List.of())
        .extract(archived.stream(), manifest);
    assertThat(tmp.resolve("restored/data/x.log")).hasContent("0123");
    assertThat(restored.files()).as("one file, though two entries").isEqualTo(manifest.size());
    assertThat(ArchiveVerifier.verify(archived.stream(), manifest).files()).isEqualTo(manifest.size());
  }

  @Test
  void aFileThatVanishesIsLeftOutWithAWarning() throws IOException {
    Archived archived = archiveChanging("data/x.log", Files::delete);

    assertThat(archived.stats().warnings()).containsExactly("data/x.log: vanished while reading");
    assertThat(archived.stats().digests()).extracting(FileDigest::path).containsExactly("a.txt", "z.txt");
    assertThat(Trees.entryNames(archived.bytes())).containsExactly("a.txt", "data/", "z.txt");
    assertArchiveStillRestores(archived);
  }

  @Test
  void anUnchangedVolumeHasNoWarnings() throws IOException {
    assertThat(Trees.archive(volume, List.of()).stats().warnings()).isEmpty();
  }

  private Archived archiveChanging(String name, VolumeArchiver.BeforeRead change) throws IOException {
    Path changing = volume.toRealPath().resolve(name);
    VolumeArchiver archiver = new VolumeArchiver(volume, List.of()).beforeRead(file -> {
      if (file.equals(changing)) {
        change.accept(file);
      }
    });
    return Trees.archive(archiver, Codec.none);
  }

  /**
   * Valid tar: every later entry is intact, and each file restores (its last entry) to the size and digest
   * listed for it. Extracted without the manifest: see {@link #aFileReadTwiceRestoresAndVerifiesAgainstTheManifest}.
   */
  private Path assertArchiveStillRestores(Archived archived) throws IOException {
    Path target = tmp.resolve("restored");
    new SafeExtractor(target, RestoreMode.Replace, List.of()).extract(archived.stream(), Map.of());
    assertThat(target.resolve("z.txt")).hasContent("last");
    for (FileDigest digest : archived.stats().digests()) {
      assertThat(target.resolve(digest.path())).hasSize(digest.size());
      assertThat(Trees.sha256(target.resolve(digest.path()))).as(digest.path()).isEqualTo(digest.sha256());
    }
    assertThat(ArchiveVerifier.verify(archived.stream(), Map.of()).files()).as("a file read twice is one file")
        .isEqualTo(Trees.entryNames(archived.bytes()).stream().filter(n -> !n.endsWith("/")).distinct().count());
    return target;
  }

  private static String sha256(String content) {
    return Trees.sha256(content.getBytes(StandardCharsets.US_ASCII));
  }
}
