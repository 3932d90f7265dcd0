package dev.lifeboat.agent.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Streams one volume as a POSIX (pax) tar: entry names relative to the root ("memory.db", "data/x.json",
 * directories with a trailing "/"), regular files, directories and symlinks (never followed) with
 * permissions, numeric uid/gid and mtimes. Each file is read once, its SHA-256 computed on the way; memory
 * stays at one copy buffer plus one directory listing per level.
 *
 * <p>A live volume changes while it is read. A file that vanishes, or whose size or mtime changes, is a
 * warning ("PATH: vanished while reading", "PATH: changed while reading"), not a failure; the entry keeps
 * the size its header declared (zero-padded or cut), and its digest is that of the bytes archived.
 * Unreadable files ("PATH: permission denied, skipped"), unreadable directory contents ("PATH: permission
 * denied, contents skipped") and sockets, fifos and devices ("PATH: skipped (fifo)") are warnings too.
 */
public final class VolumeArchiver {
  private static final int BUFFER = 1 << 18;
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime";
  private static final int TYPE_MASK = 0170000;
  private static final int DIRECTORY = 0040000;
  private static final int REGULAR = 0100000;
  private static final int SYMLINK = 0120000;

  /** Runs just before a regular file is opened; tests use it to change the file at that moment. */
  @FunctionalInterface
  interface BeforeRead {
    void accept(Path file) throws IOException;
  }

  private final Path root;
  private final Excludes excludes;
  private BeforeRead beforeRead = file -> { };
  private Path sqliteScratch;

  public VolumeArchiver(Path root, List<String> excludeGlobs) {
    this.root = root;
    this.excludes = new Excludes(excludeGlobs);
  }

  /** Where SQLite databases are captured consistently before they are archived; null archives them as bytes. */
  public VolumeArchiver sqlite(Path scratchDir) {
    this.sqliteScratch = scratchDir;
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
    Run run = new Run(out);
    run.walk(root.toRealPath(), "");
    run.tar.finish();
    return run.stats.build();
  }

  /** State of one {@link #write} call. */
  private final class Run {
    final TarArchiveOutputStream tar;
    final StatsBuilder stats = new StatsBuilder();
    final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

    Run(OutputStream out) {
      tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    void walk(Path dir, String prefix) throws IOException {
      for (Path child : sortedChildren(dir, prefix)) {
        visit(child, prefix + child.getFileName().toString());
      }
    }

    /** Empty when the directory vanished or cannot be listed; the warning says which. */
    private List<Path> sortedChildren(Path dir, String prefix) throws IOException {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
        listing.forEach(children::add);
      } catch (NoSuchFileException e) {
        stats.warn(displayName(prefix), "vanished while reading");
      } catch (AccessDeniedException e) {
        stats.warn(displayName(prefix), "permission denied, contents skipped");
      }
      children.sort(Comparator.comparing(p -> p.getFileName().toString()));
      return children;
    }

    private void visit(Path path, String name) throws IOException {
      if (excludes.excludes(name)) {
        return;
      }
      Map<String, Object> attributes;
      try {
        attributes = Files.readAttributes(path, ATTRIBUTES, NOFOLLOW);
      } catch (NoSuchFileException e) {
        stats.warn(name, "vanished while reading");
        return;
      }
      int mode = (Integer) attributes.get("mode");
      switch (mode & TYPE_MASK) {
        case DIRECTORY -> {
          putEmpty(entry(name + "/", TarConstants.LF_DIR, attributes));
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
        stats.warn(name, "vanished while reading");
        return;
      }
      TarArchiveEntry entry = entry(name, TarConstants.LF_SYMLINK, attributes);
      entry.setLinkName(target);
      putEmpty(entry);
      stats.symlink();
    }

    private void regularFile(Path path, String name, Map<String, Object> attributes) throws IOException {
      long size = (Long) attributes.get("size");
      FileTime mtime = (FileTime) attributes.get("lastModifiedTime");
      beforeRead.accept(path);
      FileChannel channel;
      try {
        channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        stats.warn(name, "vanished while reading");
        return;
      } catch (AccessDeniedException e) {
        stats.warn(name, "permission denied, skipped");
        return;
      }
      MessageDigest digest = Hashing.sha256();
      boolean changed;
      try (channel) {
        TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, attributes);
        entry.setSize(size);
        tar.putArchiveEntry(entry);
        changed = copy(channel, size, digest);
        tar.closeArchiveEntry();
      }
      String change = changed ? "changed while reading" : changeSince(path, size, mtime);
      if (change != null) {
        stats.warn(name, change);
      }
      stats.file(new FileDigest(name, size, Hashing.hex(digest.digest())));
    }

    /** Copies exactly {@code size} bytes (zero-padding a file that shrank); true if the file's length differed. */
    private boolean copy(FileChannel channel, long size, MessageDigest digest) throws IOException {
      long remaining = size;
      boolean shorter = false;
      while (remaining > 0) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
        int n = shorter ? -1 : channel.read(buffer);
        if (n < 0) {
          shorter = true;
          Arrays.fill(buffer.array(), 0, buffer.limit(), (byte) 0);
          n = buffer.limit();
        }
        digest.update(buffer.array(), 0, n);
        tar.write(buffer.array(), 0, n);
        remaining -= n;
      }
      return shorter || channel.read(buffer.clear().limit(1)) > 0;
    }

    private String changeSince(Path path, long size, FileTime mtime) throws IOException {
      try {
        Map<String, Object> now = Files.readAttributes(path, "size,lastModifiedTime", NOFOLLOW);
        boolean same = (Long) now.get("size") == size && mtime.equals(now.get("lastModifiedTime"));
        return same ? null : "changed while reading";
      } catch (NoSuchFileException e) {
        return "vanished while reading";
      }
    }

    private void putEmpty(TarArchiveEntry entry) throws IOException {
      tar.putArchiveEntry(entry);
      tar.closeArchiveEntry();
    }
  }

  private static TarArchiveEntry entry(String name, byte type, Map<String, Object> attributes) {
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setMode((Integer) attributes.get("mode"));
    entry.setUserId(((Integer) attributes.get("uid")).longValue());
    entry.setGroupId(((Integer) attributes.get("gid")).longValue());
    // Numeric ownership only: GNU tar would otherwise map the names through the restoring host's passwd.
    entry.setUserName("");
    entry.setGroupName("");
    entry.setLastModifiedTime((FileTime) attributes.get("lastModifiedTime"));
    return entry;
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
