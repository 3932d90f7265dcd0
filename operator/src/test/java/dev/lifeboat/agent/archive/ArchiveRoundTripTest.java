package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.agent.archive.Trees.Archived;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArchiveRoundTripTest {
  @TempDir
  Path tmp;

  @ParameterizedTest
  @EnumSource(Codec.class)
  void restoresAnIdenticalTreeThroughEveryCodec(Codec codec) throws IOException {
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);

    Archived archived = Trees.archive(new VolumeArchiver(volume, List.of()), codec);
    Path restored = tmp.resolve("restored");
    ArchiveStats read;
    try (InputStream in = codec.decompress(archived.stream())) {
      read = new SafeExtractor(restored, RestoreMode.Replace, List.of()).extract(in, Map.of());
    }

    assertThat(Trees.snapshot(restored)).isEqualTo(Trees.snapshot(volume));
    assertThat(archived.stats().warnings()).isEmpty();
    assertThat(read).isEqualTo(Trees.asRead(archived.stats()));
  }

  @Test
  void countsEntriesAndDigestsEveryRegularFile() throws IOException {
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);

    ArchiveStats stats = Trees.archive(volume, List.of()).stats();

    assertThat(stats.files()).isEqualTo(7);
    assertThat(stats.symlinks()).isEqualTo(2);
    // data, data/nested, data/nested/deeper, deep, deep/<long>, données, empty-dir, private
    assertThat(stats.directories()).isEqualTo(8);
    long bytes = 0;
    for (FileDigest digest : stats.digests()) {
      Path file = volume.resolve(digest.path());
      assertThat(digest.sha256()).as(digest.path()).isEqualTo(Trees.sha256(file));
      assertThat(digest.size()).as(digest.path()).isEqualTo(Files.size(file));
      bytes += digest.size();
    }
    assertThat(stats.bytes()).isEqualTo(bytes);
    assertThat(Trees.digestMap(stats)).containsKeys("memory.db", "données/日本語.json", Trees.LONG_PATH);
  }

  @Test
  void writesSortedRelativeNamesWithDirectoriesEndingInSlashAndNoRootEntry() throws IOException {
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.write(volume, "b.txt", "b", 0644);
    Trees.write(volume, "a/z.txt", "z", 0644);
    Trees.write(volume, "a/c.txt", "c", 0644);

    assertThat(Trees.entryNames(Trees.archive(volume, List.of()).bytes()))
        .containsExactly("a/", "a/c.txt", "a/z.txt", "b.txt");
  }

  @Test
  void streamsALargeFileAndRestoresItByteForByte() throws IOException {
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Path big = volume.resolve("big.bin");
    long size = 200L << 20;
    writeRepeatingRandomBlocks(big, size);
    String sha = Trees.sha256(big);
    Path archive = tmp.resolve("volume.tar.zst");

    ArchiveStats written;
    try (OutputStream out = Codec.zstd.compress(Files.newOutputStream(archive))) {
      written = new VolumeArchiver(volume, List.of()).write(out);
    }
    Path restored = tmp.resolve("restored");
    ArchiveStats read;
    try (InputStream in = Codec.zstd.decompress(Files.newInputStream(archive))) {
      read = new SafeExtractor(restored, RestoreMode.Replace, List.of()).extract(in, Map.of("big.bin", sha));
    }

    assertThat(written.digests()).extracting(FileDigest::content).containsExactly(new FileDigest("big.bin", size, sha));
    assertThat(read.digests()).containsExactly(new FileDigest("big.bin", size, sha));
    assertThat(Files.size(restored.resolve("big.bin"))).isEqualTo(size);
    assertThat(Trees.snapshot(restored)).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void verifierReadsWhatTheArchiverWrote() throws IOException {
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);
    Archived archived = Trees.archive(volume, List.of());

    ArchiveStats verified = ArchiveVerifier.verify(archived.stream(), Trees.digestMap(archived.stats()));

    assertThat(verified).isEqualTo(Trees.asRead(archived.stats()));
  }

  @Test
  void followsASymlinkedVolumeRootButNoSymlinkBelowIt() throws IOException {
    Path volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.write(volume, "memory.db", "db", 0644);
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Trees.write(elsewhere, "secret.txt", "not part of the volume", 0644);
    Files.createSymbolicLink(volume.resolve("link"), elsewhere);
    Path mount = Files.createSymbolicLink(tmp.resolve("mount"), volume);

    assertThat(Trees.entryNames(Trees.archive(mount, List.of()).bytes())).containsExactly("link", "memory.db");
  }

  @Test
  void refusesAVolumeRootThatIsNotADirectory() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");

    assertThatThrownBy(
            () -> new VolumeArchiver(file, List.of()).write(OutputStream.nullOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not a directory");
  }

  /** One random MiB repeated: quick to generate, and still not all zeros. */
  private static void writeRepeatingRandomBlocks(Path file, long size) throws IOException {
    byte[] block = new byte[1 << 20];
    new Random(42).nextBytes(block);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long written = 0; written < size; written += block.length) {
        ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, size - written));
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    }
  }
}
