package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * The app-level check of a restore drill: every regular file of a restored tree that starts with
 * SQLite's header is opened read-only, as the app would find it, and must pass {@code PRAGMA
 * integrity_check}. Checksums prove the backup holds what was read; this proves what was read is a
 * database SQLite can use — a file damaged on the volume before the backup has matching checksums.
 */
public final class SqliteIntegrity {
  /** Lines of SQLite's answer quoted in a failure; the rest is counted. */
  static final int QUOTED_LINES = 3;
  /** integrity_check stops after this many problems: enough to quote, bounded on a wrecked file. */
  private static final int MAX_ERRORS = 10;

  private SqliteIntegrity() {}

  /**
   * @param databases how many databases were checked
   * @param failures one line per database that failed: its path relative to the root, then SQLite's words
   *     ("data/app.db fails PRAGMA integrity_check: Tree 2 page 5 cell 7: ...")
   */
  public record Report(int databases, List<String> failures) {
    public Report {
      failures = List.copyOf(failures);
    }
  }

  /** Checks every database under {@code root} (symlinks are not followed); never writes a database. */
  public static Report check(Path root) throws IOException {
    List<Path> databases = new ArrayList<>();
    ByteBuffer header = SqliteCapture.headerBuffer();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        if (attributes.isRegularFile()) {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (SqliteCapture.hasHeader(channel, header)) {
              databases.add(file);
            }
          }
        }
        return FileVisitResult.CONTINUE;
      }
    });
    databases.sort(null);
    List<String> failures = new ArrayList<>();
    for (Path database : databases) {
      String problem = problem(database);
      if (problem != null) {
        failures.add(root.relativize(database) + " " + problem);
      }
    }
    return new Report(databases.size(), failures);
  }

  /** Null when the database passes; else what SQLite said, on one line, to follow the database's name. */
  static String problem(Path database) {
    Properties properties = new Properties();
    properties.setProperty(SQLiteConfig.Pragma.OPEN_MODE.pragmaName, Integer.toString(SqliteCapture.OPEN_FLAGS));
    SQLiteConfig config = new SQLiteConfig(properties);
    config.setReadOnly(true);
    List<String> answer = new ArrayList<>();
    try (Connection connection = config.createConnection("jdbc:sqlite:" + SqliteCapture.uri(database));
        Statement sql = connection.createStatement();
        ResultSet rows = sql.executeQuery("PRAGMA integrity_check(" + MAX_ERRORS + ")")) {
      while (rows.next()) {
        // A row may hold several lines; "*** in database main ***" heads them and says nothing of the damage.
        String text = rows.getString(1) == null ? "" : rows.getString(1);
        text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("*** in database"))
            .forEach(answer::add);
      }
    } catch (SQLException e) {
      return "cannot be checked by SQLite: " + oneLine(e.getMessage());
    }
    if (answer.equals(List.of("ok"))) {
      return null;
    }
    List<String> quoted = answer.subList(0, Math.min(QUOTED_LINES, answer.size()));
    int more = answer.size() - quoted.size();
    return "fails PRAGMA integrity_check: " + String.join("; ", quoted)
        + (more > 0 ? " (" + more + " more line" + (more == 1 ? "" : "s") + ")" : "");
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
