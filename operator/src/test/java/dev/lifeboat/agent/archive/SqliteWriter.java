package dev.lifeboat.agent.archive;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * An app that keeps rewriting a SQLite database, run as a separate process (its own locks, as in a real
 * pod): {@code main(path, journalMode, pauseMillis)} commits 50 row rewrites per transaction, pausing
 * {@code pauseMillis} between commits (0: no pause at all), until killed. It prints "ready" after its first
 * commit. Two other behaviours instead of a pause: {@link #HOLD} commits one marker row, with automatic
 * checkpoints off (so in WAL mode the row is only in the -wal), and keeps the database open; {@link #LOCK}
 * takes an exclusive lock in an open transaction and keeps it; {@link #CRASH} rewrites every row in an open
 * transaction with a tiny cache, so pages reach the database file before any commit: killed, it leaves a
 * hot journal. The static helpers create databases and check restored ones.
 */
final class SqliteWriter implements AutoCloseable {
  static final int ROWS = 3000;
  static final String HOLD = "hold";
  static final String LOCK = "lock";
  static final String CRASH = "crash";
  static final String MARKER = "committed, maybe only in the -wal";
  private static final Duration READY = Duration.ofSeconds(60);

  private final Process process;

  private SqliteWriter(Process process) {
    this.process = process;
  }

  /** Creates {@code db} with {@link #ROWS} rows of about 900 bytes and an index, in the given journal mode. */
  static void create(Path db, String journalMode) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      statement.executeQuery("PRAGMA journal_mode=" + journalMode).close();
      statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL, n INTEGER NOT NULL)");
      statement.execute("CREATE INDEX t_n ON t (n)");
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, randomblob(900), ?)")) {
        Random random = new Random(1);
        for (int i = 0; i < ROWS; i++) {
          insert.setInt(1, i);
          insert.setLong(2, random.nextLong());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
    }
  }

  /** "ok" for an intact database with all its rows; otherwise what SQLite says is wrong. */
  static String check(Path db) {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      List<String> problems = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
        while (rows.next()) {
          problems.add(rows.getString(1));
        }
      }
      if (!problems.equals(List.of("ok"))) {
        return String.join("; ", problems);
      }
      try (ResultSet count = statement.executeQuery("SELECT count(*) FROM t")) {
        count.next();
        return count.getInt(1) == ROWS ? "ok" : count.getInt(1) + " rows instead of " + ROWS;
      }
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  /** Whether the database holds the row that {@link #HOLD} committed. */
  static boolean hasMarker(Path db) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM marker WHERE x = '" + MARKER + "'")) {
      return rows.next() && rows.getInt(1) == 1;
    }
  }

  static SqliteWriter start(Path db, String journalMode, int pauseMillis) throws IOException, InterruptedException {
    return start(db, journalMode, Integer.toString(pauseMillis));
  }

  /**
   * Starts the writer process on {@code db} (which may be a path through a symlink) and waits for its first
   * commit; {@code behaviour} is a pause in milliseconds, {@link #HOLD} or {@link #LOCK}.
   */
  static SqliteWriter start(Path db, String journalMode, String behaviour) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), SqliteWriter.class.getName(), db.toString(), journalMode,
        behaviour).redirectErrorStream(true).start();
    SqliteWriter writer = new SqliteWriter(process);
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = output.readLine();
    if (!"ready".equals(line)) {
      writer.close();
      throw new IllegalStateException("the SQLite writer did not start: " + line);
    }
    return writer;
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(READY.toSeconds(), TimeUnit.SECONDS);
  }

  public static void main(String[] args) throws SQLException, InterruptedException {
    exitWhenTheTestIsGone();
    String db = args[0];
    String journalMode = args[1];
    Random random = new Random();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA busy_timeout=60000");
        statement.executeQuery("PRAGMA journal_mode=" + journalMode).close();
        if (List.of(HOLD, LOCK, CRASH).contains(args[2])) {
          holdOrLock(statement, args[2]);
        }
      }
      int pauseMillis = Integer.parseInt(args[2]);
      connection.setAutoCommit(false);
      boolean first = true;
      try (PreparedStatement update = connection.prepareStatement("UPDATE t SET v = randomblob(900), n = ? WHERE id = ?")) {
        while (true) {
          for (int i = 0; i < 50; i++) {
            update.setLong(1, random.nextLong());
            update.setInt(2, random.nextInt(ROWS));
            update.addBatch();
          }
          update.executeBatch();
          connection.commit();
          if (first) {
            System.out.println("ready");
            System.out.flush();
            first = false;
          }
          if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
          }
        }
      }
    }
  }

  /** The test holds this process's stdin open: end of input means the test JVM died, so never outlive it. */
  private static void exitWhenTheTestIsGone() {
    Thread watcher = new Thread(() -> {
      try {
        System.in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        // fall through: exit all the same
      }
      Runtime.getRuntime().halt(0);
    });
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void holdOrLock(Statement statement, String behaviour) throws SQLException, InterruptedException {
    if (behaviour.equals(HOLD)) {
      statement.execute("PRAGMA wal_autocheckpoint=0");
      statement.execute("CREATE TABLE marker (x TEXT)");
      statement.execute("INSERT INTO marker VALUES ('" + MARKER + "')");
    } else if (behaviour.equals(LOCK)) {
      statement.execute("BEGIN EXCLUSIVE");
      statement.execute("UPDATE t SET n = n + 1 WHERE id < 100");
    } else {
      statement.execute("PRAGMA cache_size=5");
      statement.execute("BEGIN");
      statement.execute("UPDATE t SET v = randomblob(900)");
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
