package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.agent.archive.Trees.Archived;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite databases are found by their header, captured consistently and archived as themselves. */
class SqliteCaptureTest {
  @TempDir
  Path tmp;
  Path volume;
  Path scratch;

  @BeforeEach
  void directories() throws IOException {
    volume = Files.createDirectory(tmp.resolve("volume"));
    scratch = Files.createDirectory(tmp.resolve("scratch"));
  }

  @Test
  void aDatabaseIsArchivedUnderItsOwnNameAndAttributesWithTheCopysSizeAndDigest() throws Exception {
    Path db = volume.resolve("memory.db");
    SqliteWriter.create(db, "wal");
    Files.setAttribute(db, "unix:mode", 0640);
    if (Ownership.runningAsRoot()) {
      Files.setAttribute(db, "unix:uid", Trees.OWNER_UID);
      Files.setAttribute(db, "unix:gid", Trees.OWNER_GID);
    }
    try (SqliteWriter app = SqliteWriter.start(db, "wal", SqliteWriter.HOLD)) {
      Files.setLastModifiedTime(db, Trees.OLD);
      Map<String, Object> original = Files.readAttributes(db, "unix:mode,uid,gid,lastModifiedTime");
      Archived archived = archive(true);

      TarArchiveEntry entry = onlyEntry(archived.bytes());
      assertThat(entry.getName()).isEqualTo("memory.db");
      assertThat(entry.getMode()).isEqualTo(original.get("mode"));
      assertThat(entry.getLongUserId()).isEqualTo(((Integer) original.get("uid")).longValue());
      assertThat(entry.getLongGroupId()).isEqualTo(((Integer) original.get("gid")).longValue());
      assertThat(entry.getLastModifiedTime().to(TimeUnit.MICROSECONDS))
          .isEqualTo(((FileTime) original.get("lastModifiedTime")).to(TimeUnit.MICROSECONDS));
      FileDigest digest = archived.stats().digests().get(0);
      assertThat(digest.size()).isEqualTo(entry.getSize());
      assertThat(archived.stats().warnings()).isEmpty();
      assertThat(archived.stats().omissions()).isEmpty();

      Path restored = extract(archived, Trees.digestMap(archived.stats()));
      assertThat(SqliteWriter.check(restored.resolve("memory.db"))).isEqualTo("ok");
      assertThat(SqliteWriter.hasMarker(restored.resolve("memory.db"))).as("the commit still in the -wal").isTrue();
      assertThat(Trees.isEmptyDirectory(scratch)).as("scratch copy deleted").isTrue();
    }
  }

  @Test
  void aDatabaseIsRecognisedByItsHeaderWhateverItsNameAndWherever() throws Exception {
    SqliteWriter.create(Files.createDirectories(volume.resolve("bots/state")).resolve("history"), "delete");
    Trees.write(volume, "fake.db", "SQLite format 2, not a database", 0644);
    Trees.write(volume, "fake.db-journal", "kept: fake.db is not a database", 0644);

    Archived archived = archive(true);

    assertThat(Trees.entryNames(archived.bytes()))
        .containsExactly("bots/", "bots/state/", "bots/state/history", "fake.db", "fake.db-journal");
    Path restored = extract(archived, Trees.digestMap(archived.stats()));
    assertThat(SqliteWriter.check(restored.resolve("bots/state/history"))).isEqualTo("ok");
    assertThat(restored.resolve("fake.db-journal")).hasContent("kept: fake.db is not a database");
  }

  @Test
  void aDatabaseWithQueryAndFragmentCharactersInItsNameIsStillCaptured() throws Exception {
    String name = "we?ird #name%20 ü.db";
    SqliteWriter.create(volume.resolve(name), "wal");

    Archived archived = archive(true);

    assertThat(archived.stats().omissions()).isEmpty();
    assertThat(SqliteWriter.check(extract(archived, Trees.digestMap(archived.stats())).resolve(name))).isEqualTo("ok");
  }

  @Test
  void withSqliteOffADatabaseAndItsSiblingsAreArchivedAsPlainBytes() throws Exception {
    Path db = volume.resolve("memory.db");
    SqliteWriter.create(db, "wal");
    try (SqliteWriter app = SqliteWriter.start(db, "wal", SqliteWriter.HOLD)) {
      Archived archived = archive(false);

      assertThat(Trees.entryNames(archived.bytes())).containsExactly("memory.db", "memory.db-shm", "memory.db-wal");
      assertThat(archived.stats().digests()).filteredOn(d -> d.path().equals("memory.db")).singleElement()
          .extracting(FileDigest::content).isEqualTo(new FileDigest("memory.db", Files.size(db), Trees.sha256(db)));
    }
  }

  @Test
  void zstdAndGnuTarRestoreAWorkingDatabaseByHand() throws Exception {
    requireTools("zstd", "tar");
    Path db = volume.resolve("memory.db");
    SqliteWriter.create(db, "wal");
    try (SqliteWriter app = SqliteWriter.start(db, "wal", SqliteWriter.HOLD)) {
      Path archive = tmp.resolve("volume.tar.zst");
      try (OutputStream out = Codec.zstd.compress(Files.newOutputStream(archive))) {
        new VolumeArchiver(volume, List.of()).sqlite(scratch).write(out);
      }
      Path restored = Files.createDirectory(tmp.resolve("restored"));

      run("zstd -d -c '" + archive + "' | tar -x -C '" + restored + "'");

      try (var files = Files.list(restored)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("memory.db");
      }
      assertThat(SqliteWriter.check(restored.resolve("memory.db"))).isEqualTo("ok");
      assertThat(SqliteWriter.hasMarker(restored.resolve("memory.db"))).isTrue();
    }
  }

  @Test
  void aDatabaseLockedPastTheTimeoutIsLeftOutAndNothingOfItIsArchived() throws Exception {
    Path db = volume.resolve("memory.db");
    SqliteWriter.create(db, "delete");
    Trees.write(volume, "notes.txt", "kept", 0644);
    try (SqliteWriter app = SqliteWriter.start(db, "delete", SqliteWriter.LOCK)) {
      Archived archived = Trees.archive(new VolumeArchiver(volume, List.of()).sqlite(scratch)
          .sqliteBusyTimeout(Duration.ofMillis(300)), Codec.none);

      assertThat(archived.stats().omissions()).containsExactly("memory.db: SQLite database could not be captured"
          + " consistently: The database file is locked (SQLITE_BUSY), still locked after 300 ms");
      assertThat(archived.stats().complete()).isFalse();
      assertThat(Trees.entryNames(archived.bytes())).doesNotContain("memory.db").contains("notes.txt");
      assertThat(archived.stats().digests()).extracting(FileDigest::path).doesNotContain("memory.db");
      assertThat(Trees.isEmptyDirectory(scratch)).as("failed copy deleted").isTrue();
    }
  }

  @Test
  void aDatabaseWithTheHotJournalOfACrashedAppIsLeftOutSayingWhy() throws Exception {
    Path db = volume.resolve("memory.db");
    SqliteWriter.create(db, "delete");
    SqliteWriter.start(db, "delete", SqliteWriter.CRASH).close();
    assertThat(volume.resolve("memory.db-journal")).isNotEmptyFile();

    Archived archived = archive(true);

    assertThat(archived.stats().omissions()).singleElement().asString().isEqualTo("memory.db: SQLite database could"
        + " not be captured consistently: memory.db-journal beside it holds an interrupted write (the app crashed),"
        + " which SQLite must roll back before reading and a backup may not; the app rolls it back when it next"
        + " opens the database (Attempt to write a readonly database (SQLITE_READONLY))");
    assertThat(Trees.entryNames(archived.bytes())).doesNotContain("memory.db");
  }

  @Test
  void aCorruptDatabaseIsLeftOutSayingWhatSqliteFound() throws Exception {
    byte[] corrupt = new byte[8192];
    byte[] header = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, corrupt, 0, header.length);
    corrupt[16] = 7; // page size 0x07xx: not a power of two
    Files.write(volume.resolve("broken.db"), corrupt);

    Archived archived = archive(true);

    assertThat(archived.stats().omissions()).singleElement().asString()
        .startsWith("broken.db: SQLite database could not be captured consistently: ")
        .contains("SQLITE_NOTADB");
    assertThat(Trees.entryNames(archived.bytes())).isEmpty();
  }

  @Test
  void theCaptureNeverFollowsASymlink() throws Exception {
    SqliteWriter.create(volume.resolve("memory.db"), "delete");
    Path link = Files.createSymbolicLink(tmp.resolve("link.db"), volume.resolve("memory.db"));

    assertThatThrownBy(() -> new SqliteCapture(scratch, Duration.ofSeconds(1)).capture(link))
        .isInstanceOf(SqliteCapture.NotCaptured.class).hasMessageContaining("SQLITE_CANTOPEN");
    assertThat(Trees.isEmptyDirectory(scratch)).isTrue();
  }

  private Archived archive(boolean capture) throws IOException {
    return Trees.archive(new VolumeArchiver(volume, List.of()).sqlite(capture ? scratch : null), Codec.none);
  }

  private Path extract(Archived archived, Map<String, String> manifest) throws IOException {
    Path target = tmp.resolve("restored");
    new SafeExtractor(target, RestoreMode.Replace, List.of()).extract(archived.stream(), manifest);
    return target;
  }

  private static TarArchiveEntry onlyEntry(byte[] tar) throws IOException {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
      TarArchiveEntry entry = in.getNextEntry();
      assertThat(in.getNextEntry()).isNull();
      return entry;
    }
  }

  static void requireTools(String... tools) throws Exception {
    for (String tool : tools) {
      boolean present = new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0;
      assumeTrue(present, tool + " is not on the PATH");
    }
  }

  static void run(String command) throws Exception {
    Process process = new ProcessBuilder("bash", "-c", "set -o pipefail; " + command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("%s%n%s", command, output).isZero();
  }
}
