package dev.lifeboat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * Real SQLite databases for tests that back up a volume. A consistent online copy holds the same
 * rows but not the same header bytes, so trees compare a database by what it holds.
 */
public final class SqliteFiles {
  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private SqliteFiles() {}

  /**
   * A rollback-journal database (SQLite's default) with one table of {@code rows} numbered notes. Not
   * WAL: reading an idle WAL database on a writable volume leaves an empty -wal and -shm beside it.
   */
  public static void create(Path file, int rows) throws IOException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file); Statement sql = db.createStatement()) {
      sql.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
      sql.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ") "
          + "INSERT INTO notes SELECT i, 'note ' || i || ' ' || hex(randomblob(40)) FROM n");
    } catch (SQLException e) {
      throw new IOException(e);
    }
  }

  public static boolean isDatabase(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
    }
  }

  /** "integrity ok, N rows, checksum" of the notes table: equal for a database and a consistent copy of it. */
  public static String content(Path file) {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
        Statement sql = db.createStatement()) {
      String integrity;
      try (ResultSet check = sql.executeQuery("PRAGMA integrity_check")) {
        integrity = check.next() ? check.getString(1) : "?";
      }
      try (ResultSet rows = sql.executeQuery("SELECT count(*), total(length(text) * id) FROM notes")) {
        rows.next();
        return "integrity " + integrity + ", " + rows.getLong(1) + " rows, " + rows.getLong(2);
      }
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}
