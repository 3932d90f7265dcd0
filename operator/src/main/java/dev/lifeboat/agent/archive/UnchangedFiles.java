package dev.lifeboat.agent.archive;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The files of an earlier backup of the same volume, to tell which files have not changed since
 * without reading them (as restic and rsync do): same size, modification time, status-change time
 * and inode. The status-change time is what makes this safe against a file whose mtime was set back
 * (by {@code touch -d}, an unpacked archive, a restore): every write, chmod and chown moves it, and
 * nothing can set it back.
 *
 * <p>A file beside a {@code -wal}, {@code -journal} or {@code -shm} of its name is never judged
 * unchanged: SQLite commits into the write-ahead log without touching the database file, and only a
 * database captured again has its siblings left out of the archive.
 */
public final class UnchangedFiles {
  private static final String[] LOGS = {"-wal", "-journal", "-shm"};

  private final Map<String, FileDigest> byPath = new HashMap<>();

  public UnchangedFiles(Collection<FileDigest> earlier) {
    for (FileDigest file : earlier) {
      if (file.hasStat()) {
        byPath.put(file.path(), file);
      }
    }
  }

  /** The earlier entry of {@code name} when the file at {@code path} is provably the same; else null. */
  FileDigest earlier(Path path, String name, Map<String, Object> attributes) {
    FileDigest earlier = byPath.get(name);
    if (earlier == null
        || earlier.size() != (Long) attributes.get("size")
        || earlier.mtimeNs() != nanos(attributes.get("lastModifiedTime"))
        || earlier.ctimeNs() != nanos(attributes.get("ctime"))
        || earlier.inode().longValue() != ((Number) attributes.get("ino")).longValue()) {
      return null;
    }
    for (String log : LOGS) {
      if (Files.exists(path.resolveSibling(path.getFileName() + log), LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
    }
    return earlier;
  }

  static long nanos(Object fileTime) {
    return ((FileTime) fileTime).to(TimeUnit.NANOSECONDS);
  }
}
