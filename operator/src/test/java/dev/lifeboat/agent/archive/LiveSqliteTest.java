package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A SQLite database that another process keeps writing while the volume is archived always restores
 * intact (PRAGMA integrity_check = ok, every row there), over many tries; a plain byte copy does not.
 */
class LiveSqliteTest {
  private static final int TRIES = 20;

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0} mode, {1} ms between commits")
  @CsvSource({"wal, 0", "wal, 20", "delete, 0", "delete, 20"})
  void aDatabaseWrittenWhileItIsArchivedAlwaysRestoresIntact(String journalMode, int pauseMillis) throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("volume/app"));
    SqliteWriter.create(volume.resolve("memory.db"), journalMode);

    try (SqliteWriter writer = SqliteWriter.start(volume.resolve("memory.db"), journalMode, pauseMillis)) {
      for (int i = 0; i < TRIES; i++) {
        Trees.Archived archived = archive(tmp.resolve("volume"), true);

        assertThat(archived.stats().omissions()).isEmpty();
        assertThat(Trees.entryNames(archived.bytes())).containsExactly("app/", "app/memory.db");
        assertThat(restoredDatabase(archived, i, true)).as("try %d", i).isEqualTo("ok");
        assertThat(writer.alive()).isTrue();
      }
    }
  }

  @Test
  void theWalAndShmFilesOfALiveDatabaseStayOutOfTheArchive() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    SqliteWriter.create(volume.resolve("memory.db"), "wal");
    Files.writeString(volume.resolve("notes-wal"), "not a database's");

    try (SqliteWriter writer = SqliteWriter.start(volume.resolve("memory.db"), "wal", 0)) {
      assertThat(volume.resolve("memory.db-wal")).exists();
      assertThat(volume.resolve("memory.db-shm")).exists();
      Trees.Archived archived = archive(volume, true);

      assertThat(Trees.entryNames(archived.bytes())).containsExactly("memory.db", "notes-wal");
      assertThat(archived.stats().digests()).extracting(FileDigest::path).containsExactly("memory.db", "notes-wal");
      assertThat(restoredDatabase(archived, 0, true)).isEqualTo("ok");
    }
  }

  @ParameterizedTest(name = "{0} mode")
  @CsvSource({"wal", "delete"})
  void aDatabaseTheAppOpensThroughASymlinkIsCapturedAtItsRealPath(String journalMode) throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    Path data = Files.createDirectories(volume.resolve("data-v2"));
    SqliteWriter.create(data.resolve("memory.db"), journalMode);
    Files.createSymbolicLink(volume.resolve("current"), Path.of("data-v2"));

    try (SqliteWriter writer = SqliteWriter.start(volume.resolve("current/memory.db"), journalMode, 0)) {
      for (int i = 0; i < TRIES / 2; i++) {
        Trees.Archived archived = archive(volume, true);

        assertThat(Trees.entryNames(archived.bytes())).containsExactly("current", "data-v2/", "data-v2/memory.db");
        assertThat(restoredDatabase(archived, i, true)).as("try %d", i).isEqualTo("ok");
      }
    }
  }

  /**
   * The reason for all this: the same writer, archived as plain bytes (--sqlite off), tears the copy. In
   * rollback-journal mode a commit rewrites pages in place, so a copy that spans commits mixes them.
   */
  @Test
  void withoutCaptureTheSameWriterTearsPlainCopies() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    SqliteWriter.create(volume.resolve("memory.db"), "delete");
    List<String> torn = new ArrayList<>();

    try (SqliteWriter writer = SqliteWriter.start(volume.resolve("memory.db"), "delete", 0)) {
      for (int i = 0; i < 3 * TRIES && torn.isEmpty(); i++) {
        String check = restoredDatabase(archive(volume, false), i, false);
        if (!check.equals("ok")) {
          torn.add(check);
        }
      }
    }

    assertThat(torn).isNotEmpty();
  }

  private static Trees.Archived archive(Path volume, boolean capture) throws IOException {
    Path scratch = volume.resolveSibling("scratch");
    Files.createDirectories(scratch);
    Trees.Archived archived = Trees.archive(new VolumeArchiver(volume, List.of()).sqlite(capture ? scratch : null),
        Codec.none);
    assertThat(Trees.isEmptyDirectory(scratch)).as("scratch copies deleted").isTrue();
    return archived;
  }

  /** Extracts the archive and checks its one database; with the manifest's digests when {@code verify}. */
  private String restoredDatabase(Trees.Archived archived, int attempt, boolean verify) throws IOException {
    Path target = tmp.resolve("restored-" + attempt + "-" + System.nanoTime());
    Map<String, String> manifest = verify ? Trees.digestMap(archived.stats()) : Map.of();
    new SafeExtractor(target, RestoreMode.Replace, List.of()).extract(archived.stream(), manifest);
    Path db;
    try (var files = Files.walk(target)) {
      db = files.filter(p -> p.getFileName().toString().equals("memory.db")).findFirst().orElseThrow();
    }
    return SqliteWriter.check(db);
  }
}
