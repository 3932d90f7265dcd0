package dev.lifeboat.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A real SQLite database as the apps Lifeboat backs up keep one, and how to tell two of them hold
 * the same data: a consistent online copy has the same rows but not the same bytes (SQLite
 * rewrites the header's change counters), so databases are compared by content.
 */
final class SampleDatabase {
  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private SampleDatabase() {}

  /** A memory database: a table of remembered lines, in WAL mode as most apps open theirs. */
  static void write(Path file, int rows, long seed) throws IOException {
    Random random = new Random(seed);
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement statement = db.createStatement()) {
        statement.execute("PRAGMA journal_mode=WAL");
        statement.execute("CREATE TABLE memories (id INTEGER PRIMARY KEY, said TEXT NOT NULL, weight REAL)");
      }
      db.setAutoCommit(false);
      try (PreparedStatement insert = db.prepareStatement("INSERT INTO memories (said, weight) VALUES (?, ?)")) {
        for (int i = 0; i < rows; i++) {
          byte[] words = new byte[64 + random.nextInt(192)];
          random.nextBytes(words);
          insert.setString(1, HexFormat.of().formatHex(words));
          insert.setDouble(2, random.nextDouble());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      db.commit();
      try (Statement statement = db.createStatement()) {
        statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    } catch (SQLException e) {
      throw new IOException("cannot write sample database " + file + ": " + e.getMessage(), e);
    }
  }

  static boolean isDatabase(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
    }
  }

  /** "sqlite:" + SHA-256 over every table's schema and rows, after an integrity check. */
  static String contentDigest(Path file) throws IOException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
        Statement statement = db.createStatement()) {
      try (ResultSet check = statement.executeQuery("PRAGMA integrity_check")) {
        String verdict = check.next() ? check.getString(1) : "no answer";
        if (!"ok".equals(verdict)) {
          return "corrupt: " + verdict;
        }
      }
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      List<String> tables = new ArrayList<>();
      try (ResultSet schema = statement.executeQuery(
          "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
        while (schema.next()) {
          tables.add(schema.getString(1));
          digest.update(schema.getString(2).getBytes(StandardCharsets.UTF_8));
        }
      }
      for (String table : tables) {
        try (ResultSet rows = statement.executeQuery("SELECT * FROM \"" + table.replace("\"", "\"\"") + "\" ORDER BY 1")) {
          int columns = rows.getMetaData().getColumnCount();
          while (rows.next()) {
            for (int c = 1; c <= columns; c++) {
              digest.update(String.valueOf(rows.getObject(c)).getBytes(StandardCharsets.UTF_8));
              digest.update((byte) 0);
            }
          }
        }
      }
      return "sqlite:" + HexFormat.of().formatHex(digest.digest());
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
