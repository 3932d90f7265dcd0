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

/** A live volume changes under the archiver: warnings, never a broken archive. */
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
  void aFileThatShrinksIsPaddedToItsDeclaredSizeWithAWarning() throws IOException {
    Archived archived = archiveChanging("data/x.log", file -> {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(4);
      }
    });

    assertThat(archived.stats().warnings()).containsExactly("data/x.log: changed while reading");
    byte[] stored = "0123\0\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
    assertThat(archived.stats().digests())
        .contains(new FileDigest("data/x.log", 10, Trees.sha256(stored)));
    assertArchiveStillRestores(archived);
  }

  @Test
  void aFileThatGrowsIsCutToItsDeclaredSizeWithAWarning() throws IOException {
    Archived archived = archiveChanging("data/x.log",
        file -> Files.writeString(file, "more", StandardOpenOption.APPEND));

    assertThat(archived.stats().warnings()).containsExactly("data/x.log: changed while reading");
    assertThat(archived.stats().digests()).contains(new FileDigest("data/x.log", 10,
        Trees.sha256("0123456789".getBytes(StandardCharsets.US_ASCII))));
    assertArchiveStillRestores(archived);
  }

  @Test
  void aFileRewrittenWithTheSameSizeIsNoticedByItsMtime() throws IOException {
    Archived archived = archiveChanging("data/x.log", file -> {
      Files.writeString(file, "abcdefghij");
      Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
    });

    assertThat(archived.stats().warnings()).containsExactly("data/x.log: changed while reading");
    assertArchiveStillRestores(archived);
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

  /** Valid tar: every later entry is intact and every digest matches what was archived. */
  private void assertArchiveStillRestores(Archived archived) throws IOException {
    Path target = tmp.resolve("restored");
    Map<String, String> manifest = Trees.digestMap(archived.stats());
    new SafeExtractor(target, RestoreMode.Replace, List.of()).extract(archived.stream(), manifest);
    assertThat(target.resolve("z.txt")).hasContent("last");
    assertThat(ArchiveVerifier.verify(archived.stream(), manifest).files()).isEqualTo(manifest.size());
  }
}
