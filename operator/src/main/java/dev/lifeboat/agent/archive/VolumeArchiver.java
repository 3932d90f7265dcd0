package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.Set;

/**
 * Streams one volume as a POSIX (pax) tar: entry names relative to the root ("memory.db", "data/x.json",
 * directories with a trailing "/"), regular files, directories and symlinks (never followed) with
 * permissions, numeric uid/gid and mtimes ({@link TarWriter}). Each file's SHA-256 is computed on the way;
 * memory stays at one copy buffer plus one directory listing per level.
 *
 * <p>A live volume changes while it is read. A regular file whose length or mtime changed while it was
 * read is read once more, into a second entry of the same name right after the first (tar keeps the last
 * entry of a name); its digest is the second read's. If it changed again, that last read stays, with the
 * warning "PATH: changed while reading (read twice)". Every entry keeps the size its header declared
 * (zero-padded or cut). Warnings keep all the data there is: "PATH: vanished while reading" (the app
 * deleted it), "PATH: skipped (fifo)" (sockets, fifos and devices hold none).
 *
 * <p>Data that cannot be read is an omission that names who owns it: "PATH: permission denied (owner uid
 * 999, mode 0600), skipped", "PATH: permission denied (owner uid 999, mode 0700), contents skipped".
 *
 * <p>With a {@link #sqlite scratch directory}, a file that starts with SQLite's header, wherever it is, is
 * captured consistently ({@link SqliteCapture}) and the copy archived under the database's own name, mode,
 * owner and mtime; its -wal, -shm and -journal siblings are left out (beside the copy they would corrupt
 * it). A database that cannot be captured is an omission ("PATH: SQLite database could not be captured
 * consistently: CAUSE"), never a torn copy.
 */
public final class VolumeArchiver {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime,ctime,ino";
  private static final int TYPE_MASK = 0170000;
  private static final int DIRECTORY = 0040000;
  private static final int REGULAR = 0100000;
  private static final int SYMLINK = 0120000;
  private static final String CHANGED = "changed while reading";
  private static final String VANISHED = "vanished while reading";
  /** A file that changed this recently before it was read is read again by the next backup (see digest). */
  static final long RACY_NANOS = 50_000_000L;
  /** The same on a file system whose times are whole seconds (FAT's are even two). */
  static final long RACY_COARSE_NANOS = 3_000_000_000L;

  /** Runs just before a regular file is opened (each read); tests use it to change the file at that moment. */
  @FunctionalInterface
  interface BeforeRead {
    void accept(Path file) throws IOException;
  }

  private final Path root;
  private final Excludes excludes;
  private BeforeRead beforeRead = file -> { };
  private Path sqliteScratch;
  private UnchangedFiles unchanged;
  private Duration sqliteBusyTimeout = SqliteCapture.BUSY_TIMEOUT;

  public VolumeArchiver(Path root, List<String> excludeGlobs) {
    this.root = root;
    // What a restore killed midway left at the volume's root is not the app's data.
    this.excludes = new Excludes(Stream.concat(excludeGlobs.stream(),
        Stream.of(StagedReplace.PREFIX + "*")).toList());
  }

  /** Where SQLite databases are captured consistently before they are archived; null archives them as bytes. */
  public VolumeArchiver sqlite(Path scratchDir) {
    this.sqliteScratch = scratchDir;
    return this;
  }

  /**
   * Files an earlier backup holds: each one provably unchanged since is not read again but recorded
   * as {@link ArchiveStats#reused() reused}, with the earlier digest and layer; null reads every file.
   */
  public VolumeArchiver reuse(UnchangedFiles earlier) {
    this.unchanged = earlier;
    return this;
  }

  /** How long a capture waits for the app's locks before the database is left out. */
  VolumeArchiver sqliteBusyTimeout(Duration timeout) {
    this.sqliteBusyTimeout = timeout;
    return this;
  }

  VolumeArchiver beforeRead(BeforeRead hook) {
    this.beforeRead = hook;
    return this;
  }

  /** Writes the whole tar and finishes it; {@code out} stays open for the caller to close. */
  public ArchiveStats write(OutputStream out) throws IOException {
    // The root itself may be a symlink (a hand-made --volume); nothing below it is ever followed.
    if (!Files.isDirectory(root)) {
      throw new IOException("volume root " + root + " is not a directory");
    }
    Run run = new Run(out, sqliteScratch == null ? null : new SqliteCapture(sqliteScratch, sqliteBusyTimeout));
    run.walk(root.toRealPath(), "");
    run.tar.finish();
    return run.stats.build();
  }

  /** One read of a regular file into the tar: its digest, and null or how the file changed meanwhile. */
  private record Read(FileDigest digest, String change) {}

  /** State of one {@link #write} call. */
  private final class Run {
    final TarWriter tar;
    final StatsBuilder stats = new StatsBuilder();
    final ByteBuffer header = SqliteCapture.headerBuffer();
    final SqliteCapture sqlite;
    /** When the attributes of the file being archived were read (nanoseconds since the epoch). */
    long statNanos;
    /** Siblings of captured databases, left out when the walk meets them (they sort after the database). */
    final Set<Path> leftOut = new HashSet<>();

    Run(OutputStream out, SqliteCapture sqlite) {
      this.tar = new TarWriter(out);
      this.sqlite = sqlite;
    }

    void walk(Path dir, String prefix) throws IOException {
      for (Path child : sortedChildren(dir, prefix)) {
        visit(child, prefix + child.getFileName().toString());
      }
    }

    /** Empty when the directory vanished or cannot be listed; the warning or omission says which. */
    private List<Path> sortedChildren(Path dir, String prefix) throws IOException {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
        listing.forEach(children::add);
      } catch (NoSuchFileException e) {
        stats.warn(displayName(prefix), VANISHED);
      } catch (AccessDeniedException e) {
        stats.omit(displayName(prefix), Ownership.permissionDenied(dir) + ", contents skipped");
      }
      children.sort(Comparator.comparing(p -> p.getFileName().toString()));
      return children;
    }

    private void visit(Path path, String name) throws IOException {
      if (excludes.excludes(name) || leftOut.remove(path)) {
        return;
      }
      Map<String, Object> attributes;
      try {
        attributes = Files.readAttributes(path, ATTRIBUTES, NOFOLLOW);
        statNanos = nowNanos();
      } catch (NoSuchFileException e) {
        stats.warn(name, VANISHED);
        return;
      } catch (AccessDeniedException e) {
        // The parent can be listed but not searched (mode r--): not even the owner can be named.
        stats.omit(name, "permission denied, skipped");
        return;
      }
      int mode = (Integer) attributes.get("mode");
      switch (mode & TYPE_MASK) {
        case DIRECTORY -> {
          tar.directory(name, attributes);
          stats.tree(name + "/", attributes, null);
          stats.directory();
          walk(path, name + "/");
        }
        case SYMLINK -> symlink(path, name, attributes);
        case REGULAR -> regularFile(path, name, attributes);
        default -> stats.warn(name, "skipped (" + specialKind(mode & TYPE_MASK) + ")");
      }
    }

    private void symlink(Path path, String name, Map<String, Object> attributes) throws IOException {
      String target;
      try {
        target = Files.readSymbolicLink(path).toString();
      } catch (NoSuchFileException e) {
        stats.warn(name, VANISHED);
        return;
      } catch (AccessDeniedException e) {
        stats.omit(name, Ownership.permissionDenied(path) + ", skipped");
        return;
      }
      tar.symlink(name, attributes, target);
      stats.tree(name, attributes, target);
      stats.symlink();
    }

    /** Read once; read once more if it changed meanwhile; the last read is the one that counts. */
    private void regularFile(Path path, String name, Map<String, Object> attributes) throws IOException {
      FileDigest earlier = unchanged == null ? null : unchanged.earlier(path, name, attributes);
      if (earlier != null) {
        stats.reused(earlier);
        return;
      }
      Read read = read(path, name, attributes, true);
      if (read == null) {
        return;
      }
      if (CHANGED.equals(read.change())) {
        Map<String, Object> now = regularFileAttributes(path);
        Read again = now == null ? null : read(path, name, now, false);
        if (again != null) {
          read = new Read(again.digest(), CHANGED.equals(again.change()) ? CHANGED + " (read twice)" : again.change());
        }
      }
      if (read.change() != null) {
        stats.warn(name, read.change());
      }
      stats.file(read.digest());
    }

    /**
     * Archives one read of the file; null when nothing was archived (vanished, unreadable, or a SQLite
     * database, archived by {@link #database}), the warning or omission already recorded.
     */
    private Read read(Path path, String name, Map<String, Object> attributes, boolean first) throws IOException {
      long size = (Long) attributes.get("size");
      FileTime mtime = (FileTime) attributes.get("lastModifiedTime");
      beforeRead.accept(path);
      FileChannel channel;
      try {
        channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        stats.warn(name, VANISHED);
        return null;
      } catch (AccessDeniedException e) {
        stats.omit(name, Ownership.permissionDenied(path) + ", skipped");
        return null;
      }
      MessageDigest digest = Hashing.sha256();
      boolean changed = false;
      boolean database;
      try (channel) {
        // The header comes from this channel, so a volume without SQLite costs one 16-byte read per file.
        database = first && sqlite != null && SqliteCapture.hasHeader(channel, header);
        if (!database) {
          changed = tar.file(name, attributes, size, channel, digest);
        }
      }
      if (database) {
        // Our descriptor is closed first: closing one while SQLite holds locks would drop them.
        database(path, name, attributes);
        return null;
      }
      String change = changed ? CHANGED : changeSince(path, size, mtime);
      return new Read(digest(name, size, digest, attributes, statNanos), change);
    }

    private void database(Path path, String name, Map<String, Object> attributes) throws IOException {
      Path copy;
      try {
        copy = sqlite.capture(path);
      } catch (NoSuchFileException e) {
        stats.warn(name, VANISHED);
        return;
      } catch (SqliteCapture.NotCaptured e) {
        stats.omit(name, "SQLite database could not be captured consistently: " + e.getMessage());
        return;
      }
      MessageDigest digest = Hashing.sha256();
      long size;
      try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.READ)) {
        size = channel.size();
        tar.file(name, attributes, size, channel, digest);
      } finally {
        Files.deleteIfExists(copy);
      }
      // The database file's own times: the next backup tells from them whether to capture it again.
      stats.file(digest(name, size, digest, attributes, statNanos));
      for (String suffix : SqliteCapture.SIBLING_SUFFIXES) {
        leftOut.add(path.resolveSibling(path.getFileName() + suffix));
      }
    }

    private String changeSince(Path path, long size, FileTime mtime) throws IOException {
      try {
        Map<String, Object> now = Files.readAttributes(path, "size,lastModifiedTime", NOFOLLOW);
        boolean same = (Long) now.get("size") == size && mtime.equals(now.get("lastModifiedTime"));
        return same ? null : CHANGED;
      } catch (NoSuchFileException e) {
        return VANISHED;
      }
    }

    /** The file's attributes for a second read; null if it is gone or no longer a regular file. */
    private Map<String, Object> regularFileAttributes(Path path) throws IOException {
      try {
        Map<String, Object> attributes = Files.readAttributes(path, ATTRIBUTES, NOFOLLOW);
        statNanos = nowNanos();
        return ((Integer) attributes.get("mode") & TYPE_MASK) == REGULAR ? attributes : null;
      } catch (NoSuchFileException e) {
        return null;
      }
    }
  }

  /**
   * A file's digest with what it was read as, so the next backup can tell it unchanged; without the
   * times when the file changed less than {@link #RACY_NANOS} before they were read. File times tick
   * coarsely (a kernel tick, up to 10 ms): a write in the same tick after the read would leave them
   * as they are, and the next backup would wrongly trust them (git calls such entries racy).
   */
  private static FileDigest digest(String name, long size, MessageDigest digest, Map<String, Object> attributes,
      long statNanos) {
    String sha256 = Hashing.hex(digest.digest());
    long ctime = UnchangedFiles.nanos(attributes.get("ctime"));
    // Whole seconds: a file system that keeps no finer times (ext4 with small inodes, some NFS and FUSE
    // drivers) leaves a write later in the same second invisible.
    long racy = ctime % 1_000_000_000L == 0 ? RACY_COARSE_NANOS : RACY_NANOS;
    if (statNanos - ctime < racy) {
      return new FileDigest(name, size, sha256);
    }
    return new FileDigest(name, size, sha256, UnchangedFiles.nanos(attributes.get("lastModifiedTime")), ctime,
        ((Number) attributes.get("ino")).longValue(), null);
  }

  private static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static String displayName(String prefix) {
    return prefix.isEmpty() ? "." : prefix.substring(0, prefix.length() - 1);
  }

  private static String specialKind(int type) {
    return switch (type) {
      case 0140000 -> "socket";
      case 0010000 -> "fifo";
      case 0020000, 0060000 -> "device";
      default -> "unsupported file type";
    };
  }
}
