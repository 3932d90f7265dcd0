package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A consistent copy of one live SQLite database, made with SQLite's online backup API in a single step
 * (all pages inside one read transaction: small steps restart whenever another process writes, forever
 * under a busy writer). The source is opened read-only, never immutable: SQLite honours the writer's
 * locks, waits up to the busy timeout for them, and reads committed data only (WAL frames included). In
 * rollback-journal mode the copy holds the app's writers back while it runs; in WAL mode it does not.
 *
 * <p>Never open and close another descriptor of the database while its connection is open: closing any
 * descriptor drops all of this process's POSIX locks on the file, SQLite's included.
 */
final class SqliteCapture {
  static final Duration BUSY_TIMEOUT = Duration.ofSeconds(60);
  /** Files beside a database that belong to its live state; beside a restored copy they would corrupt it. */
  static final List<String> SIBLING_SUFFIXES = List.of("-wal", "-shm", "-journal");

  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final int ALL_PAGES = -1;
  // SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW (xerial has no constant for the last).
  static final int OPEN_FLAGS = 0x00000001 | 0x00000040 | 0x01000000;
  // Primary result codes (the low byte of an extended one).
  private static final int BUSY = 5;
  private static final int LOCKED = 6;
  private static final int READONLY = 8;
  private static final int FULL = 13;
  private static final int CANTOPEN = 14;
  private static final int WAL_VERSION_OFFSET = 18;
  private static final int WAL_VERSION = 2;

  private final Path scratchDir;
  private final Duration busyTimeout;

  SqliteCapture(Path scratchDir, Duration busyTimeout) {
    this.scratchDir = scratchDir;
    this.busyTimeout = busyTimeout;
  }

  /** The database could not be copied consistently; the message says why, for a human. */
  static final class NotCaptured extends Exception {
    NotCaptured(String message) {
      super(message);
    }
  }

  /** A buffer for {@link #hasHeader}, reusable from file to file. */
  static ByteBuffer headerBuffer() {
    return ByteBuffer.allocate(MAGIC.length);
  }

  /** True if the file starts with SQLite's 16-byte header; reads at position 0 without moving the channel. */
  static boolean hasHeader(FileChannel channel, ByteBuffer buffer) throws IOException {
    buffer.clear().limit(MAGIC.length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) < 0) {
        return false;
      }
    }
    return Arrays.equals(buffer.array(), 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /**
   * Copies {@code database} into a new private file in the scratch directory, which the caller deletes.
   *
   * @throws NoSuchFileException the database vanished
   * @throws NotCaptured SQLite could not make a consistent copy (locked past the timeout, unreadable, corrupt)
   * @throws IOException the scratch file could not be created
   */
  Path capture(Path database) throws IOException, NotCaptured {
    Path copy;
    try {
      copy = Files.createTempFile(scratchDir, "lifeboat-sqlite-", ".db");
    } catch (IOException e) {
      throw new IOException("cannot create a scratch file in " + scratchDir + " (--scratch-dir): " + e, e);
    }
    int result;
    try {
      result = backUp(database, copy);
    } catch (RuntimeException | Error e) {
      Files.deleteIfExists(copy);
      throw e;
    }
    if (result != SQLiteErrorCode.SQLITE_OK.code) {
      Files.deleteIfExists(copy);
      // Only now, with SQLite's connection closed, may the database be looked at again.
      int primary = result & 0xff;
      if ((primary == 8 || primary == 14) && walWithoutWalFile(database)) {
        return copyIdle(database);
      }
      throw new NotCaptured(describe(result, database));
    }
    return copy;
  }

  /**
   * A WAL-mode database that nobody has open (no -wal beside it: SQLite keeps one while any
   * connection is open) cannot be opened read-only, but is at rest: its bytes are the database. They
   * are copied, and the copy is kept only if no -wal or -journal appeared and the file did not change
   * (size, mtime, ctime) while it was copied — an app that opened it meanwhile shows in one of those.
   */
  private Path copyIdle(Path database) throws IOException, NotCaptured {
    Map<String, Object> before = restingState(database);
    Path copy = Files.createTempFile(scratchDir, "lifeboat-sqlite-", ".db");
    try {
      Files.copy(database, copy, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      Files.deleteIfExists(copy);
      throw e;
    }
    if (before == null || !before.equals(restingState(database))) {
      Files.deleteIfExists(copy);
      throw new NotCaptured("WAL-mode database opened by the app while it was copied at rest; it can be captured"
          + " online only on a volume where SQLite may create its -wal file, or at rest");
    }
    return copy;
  }

  /** Size, mtime and ctime of a database with no -wal and no -journal beside it; null if one is there. */
  private static Map<String, Object> restingState(Path database) throws IOException {
    for (String suffix : List.of("-wal", "-journal")) {
      if (Files.exists(database.resolveSibling(database.getFileName() + suffix), LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
    }
    return Files.readAttributes(database, "unix:size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
  }

  /** SQLite's result code: SQLITE_OK, or why the copy failed (the connection is closed on return). */
  private int backUp(Path database, Path copy) {
    Properties properties = new Properties();
    properties.setProperty(SQLiteConfig.Pragma.OPEN_MODE.pragmaName, Integer.toString(OPEN_FLAGS));
    SQLiteConfig config = new SQLiteConfig(properties);
    config.setReadOnly(true);
    config.setBusyTimeout((int) busyTimeout.toMillis());
    try (SQLiteConnection connection = (SQLiteConnection) config.createConnection("jdbc:sqlite:" + uri(database))) {
      // Busy waits happen in the source's busy handler (up to the timeout), so the loop itself never retries.
      return connection.getDatabase().backup("main", copy.toString(), null, 0, 0, ALL_PAGES);
    } catch (SQLiteException e) {
      return e.getResultCode().code;
    } catch (SQLException e) {
      return e.getErrorCode() != 0 ? e.getErrorCode() : SQLiteErrorCode.SQLITE_ERROR.code;
    }
  }

  private String describe(int result, Path database) throws IOException {
    if (!Files.exists(database, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(database.toString());
    }
    SQLiteErrorCode code = SQLiteErrorCode.getErrorCode(result);
    String sqlite = code.message + " (" + code.name() + ")";
    return switch (result & 0xff) {
      case BUSY, LOCKED -> sqlite + ", still locked after " + seconds(busyTimeout);
      case READONLY, CANTOPEN -> cannotWrite(database, sqlite);
      case FULL -> sqlite + " while copying into the scratch directory " + scratchDir + " (--scratch-dir)";
      default -> sqlite;
    };
  }

  /** SQLite would have to write beside the database before it could read it, and a reader may not. */
  private static String cannotWrite(Path database, String sqlite) {
    String name = database.getFileName().toString();
    if (walWithoutWalFile(database)) {
      return "WAL-mode database with no " + name + "-wal beside it, which SQLite must create to read it and"
          + " cannot here (read-only volume or directory): it can be captured only while the app has it open ("
          + sqlite + ")";
    }
    if (Files.exists(database.resolveSibling(name + "-journal"), LinkOption.NOFOLLOW_LINKS)) {
      return name + "-journal beside it holds an interrupted write (the app crashed), which SQLite must roll back"
          + " before reading and a backup may not; the app rolls it back when it next opens the database ("
          + sqlite + ")";
    }
    return sqlite;
  }

  /** A WAL-mode header (file format versions 2) and no -wal file: SQLite would have to create one. */
  private static boolean walWithoutWalFile(Path database) {
    Path wal = database.resolveSibling(database.getFileName() + "-wal");
    if (Files.exists(wal, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    ByteBuffer header = ByteBuffer.allocate(WAL_VERSION_OFFSET + 2);
    try (FileChannel channel = FileChannel.open(database, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      while (header.hasRemaining()) {
        if (channel.read(header) < 0) {
          return false;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return header.get(WAL_VERSION_OFFSET) == WAL_VERSION
        && header.get(WAL_VERSION_OFFSET + 1) == WAL_VERSION;
  }

  /** A URI filename: no character of the path can be taken for a query or a fragment. */
  static String uri(Path database) {
    StringBuilder uri = new StringBuilder("file:");
    for (byte b : database.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/._-~".indexOf(c) >= 0) {
        uri.append(c);
      } else {
        uri.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
      }
    }
    return uri.append("?mode=ro").toString();
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }
}
