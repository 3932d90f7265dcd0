package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.agent.archive.ChildArchiver.Way;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Job mounts the volume read-only and runs as a user that may not own the files: SQLite cannot create
 * anything beside a database. Databases the app has open, and rollback-journal databases, are still
 * captured; a WAL-mode database nobody has open (no -wal file) cannot be read and is left out, saying why.
 * These run as root (as CI does), the agent in a child JVM on a read-only bind mount or as nobody.
 */
class ReadOnlyVolumeTest {
  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Way.class)
  void databasesInUseAndRollbackDatabasesAreCapturedFromAVolumeTheAgentCannotWrite(Way way) throws Exception {
    requireRootAnd(way);
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    Path wal = Files.createDirectories(volume.resolve("wal"));
    Path journal = Files.createDirectories(volume.resolve("journal"));
    SqliteWriter.create(wal.resolve("memory.db"), "wal");
    SqliteWriter.create(journal.resolve("memory.db"), "delete");
    SqliteWriter.create(volume.resolve("idle-journal.db"), "delete");

    try (SqliteWriter walWriter = SqliteWriter.start(wal.resolve("memory.db"), "wal", 0);
        SqliteWriter journalWriter = SqliteWriter.start(journal.resolve("memory.db"), "delete", 0)) {
      readOnlyToOthers(volume, way);
      ChildArchiver.Result result = ChildArchiver.archive(way, volume, Files.createDirectory(tmp.resolve("work")));

      assertThat(result.omissions()).isEmpty();
      Path restored = extract(result);
      assertThat(SqliteWriter.check(restored.resolve("wal/memory.db"))).isEqualTo("ok");
      assertThat(SqliteWriter.check(restored.resolve("journal/memory.db"))).isEqualTo("ok");
      assertThat(SqliteWriter.check(restored.resolve("idle-journal.db"))).isEqualTo("ok");
      assertThat(restored.resolve("wal/memory.db-wal")).doesNotExist();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Way.class)
  void aWalDatabaseNobodyHasOpenIsCopiedAtRestFromAVolumeTheAgentCannotWrite(Way way) throws Exception {
    requireRootAnd(way);
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    SqliteWriter.create(volume.resolve("idle-wal.db"), "wal");
    Trees.write(volume, "notes.txt", "kept", 0644);
    readOnlyToOthers(volume, way);

    ChildArchiver.Result result = ChildArchiver.archive(way, volume, Files.createDirectory(tmp.resolve("work")));

    // SQLite cannot open it read-only without creating its -wal; with no -wal beside it nobody has it open.
    assertThat(result.omissions()).isEmpty();
    assertThat(Trees.entryNames(Files.readAllBytes(result.tar()))).containsExactlyInAnyOrder("idle-wal.db", "notes.txt");
    Path restored = extract(result);
    assertThat(SqliteWriter.check(restored.resolve("idle-wal.db"))).isEqualTo("ok");
    try (var files = Files.list(volume)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("nothing written beside it")
          .containsExactlyInAnyOrder("idle-wal.db", "notes.txt");
    }
  }

  private void requireRootAnd(Way way) throws Exception {
    assumeTrue(Ownership.runningAsRoot(), "needs root, to make a volume read-only to the agent alone (CI runs as root)");
    assumeTrue(ChildArchiver.available(way, tmp), way == Way.READ_ONLY_MOUNT
        ? "unshare/mount refused here: cannot bind-mount a volume read-only"
        : "setpriv is missing: cannot run the agent as another user");
  }

  /** For the nobody child: root-owned directories 0555 and files 0444 (root's writers are not held back). */
  private static void readOnlyToOthers(Path volume, Way way) throws IOException {
    ChildArchiver.openUpParents(volume);
    if (way != Way.NOBODY) {
      return;
    }
    try (var all = Files.walk(volume)) {
      for (Path p : all.toList()) {
        boolean database = p.getFileName().toString().endsWith(".db");
        if (Files.isDirectory(p)) {
          Files.setAttribute(p, "unix:mode", 0555);
        } else if (database) {
          Files.setAttribute(p, "unix:mode", 0444);
        }
      }
    }
  }

  private Path extract(ChildArchiver.Result result) throws IOException {
    Path restored = tmp.resolve("restored");
    try (InputStream in = Files.newInputStream(result.tar())) {
      new SafeExtractor(restored, RestoreMode.Replace, List.of()).extract(in, Map.of());
    }
    return restored;
  }
}
