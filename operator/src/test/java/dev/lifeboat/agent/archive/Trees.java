package dev.lifeboat.agent.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Builds sample volumes, snapshots trees for comparison and runs archives through memory. */
public final class Trees {
  static final String LONG_PATH = "deep/" + "a-rather-long-directory-name-".repeat(3) + "/"
      + "and-a-file-name-long-enough-to-need-pax.txt";
  static final FileTime OLD = FileTime.from(Instant.parse("2024-02-29T12:34:56.123456789Z"));
  static final int OWNER_UID = 4321;
  static final int OWNER_GID = 8765;

  /** One entry of a tree: what a restore must reproduce. */
  public record Node(String type, int mode, int uid, int gid, long mtimeMicros, String sha256, String linkTarget) {}

  private Trees() {}

  /** A volume with nested and empty directories, empty files, symlinks, modes, unicode and a long name. */
  public static void sampleVolume(Path root) throws IOException {
    write(root, "memory.db", "sqlite bytes\n", 0600);
    write(root, "empty.txt", "", 0640);
    write(root, "data/x.json", "{\"x\": 1}\n", 0644);
    write(root, "data/nested/deeper/script.sh", "#!/bin/sh\necho hi\n", 0755);
    write(root, "données/日本語.json", "{\"こんにちは\": true}\n", 0644);
    write(root, "emoji-🚀.txt", "to the moon\n", 0600);
    write(root, LONG_PATH, "long\n", 0644);
    Files.createDirectories(root.resolve("empty-dir"));
    Files.createDirectories(root.resolve("private"));
    Files.createSymbolicLink(root.resolve("current"), Path.of("data/x.json"));
    Files.createSymbolicLink(root.resolve("data/dangling"), Path.of("../nowhere/missing"));
    Files.setAttribute(root.resolve("private"), "unix:mode", 0750);
    if (Ownership.runningAsRoot()) {
      Files.setAttribute(root.resolve("memory.db"), "unix:uid", OWNER_UID);
      Files.setAttribute(root.resolve("memory.db"), "unix:gid", OWNER_GID);
    }
    stampTimes(root);
  }

  static void write(Path root, String name, String content, int mode) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setAttribute(file, "unix:mode", mode);
  }

  /** Distinct sub-second mtimes everywhere (symlinks too), set bottom-up so children do not disturb parents. */
  public static void stampTimes(Path root) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(root)) {
      all = new ArrayList<>(walk.filter(p -> !p.equals(root)).toList());
    }
    all.sort((a, b) -> b.getNameCount() - a.getNameCount());
    long offset = 0;
    for (Path path : all) {
      FileTime time = FileTime.from(OLD.toInstant().plusSeconds(offset++ * 3600));
      Files.getFileAttributeView(path, BasicFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS).setTimes(time, null, null);
    }
  }

  /** Every entry below {@code root} by relative name; mtimes at microsecond precision (what tar keeps). */
  public static Map<String, Node> snapshot(Path root) throws IOException {
    Map<String, Node> nodes = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.filter(p -> !p.equals(root)).toList()) {
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid,lastModifiedTime",
            LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        boolean link = Files.isSymbolicLink(path);
        boolean dir = !link && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        String type = link ? "symlink" : dir ? "dir" : "file";
        nodes.put(root.relativize(path).toString(), new Node(type, link ? 0 : mode & 07777,
            (Integer) a.get("uid"), (Integer) a.get("gid"),
            ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.MICROSECONDS),
            type.equals("file") ? sha256(path) : null,
            link ? Files.readSymbolicLink(path).toString() : null));
      }
    }
    return nodes;
  }

  /** What reading back an archive reports of it: the digests alone, nothing reused, no fingerprint. */
  static ArchiveStats asRead(ArchiveStats written) {
    return new ArchiveStats(written.files(), written.directories(), written.symlinks(), written.bytes(),
        written.digests().stream().map(FileDigest::content).toList(), written.warnings(), written.omissions(), 0, null);
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest = Hashing.sha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(Hashing.sha256().digest(bytes));
  }

  /** Runs the archiver into memory through {@code codec}. */
  static Archived archive(VolumeArchiver archiver, Codec codec) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ArchiveStats stats;
    try (OutputStream out = codec.compress(bytes)) {
      stats = archiver.write(out);
    }
    return new Archived(bytes.toByteArray(), stats);
  }

  static Archived archive(Path root, List<String> excludes) throws IOException {
    return archive(new VolumeArchiver(root, excludes), Codec.none);
  }

  /** The archive's entry names, in order. */
  public static List<String> entryNames(byte[] tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        names.add(entry.getName());
      }
    }
    return names;
  }

  static Map<String, String> digestMap(ArchiveStats stats) {
    Map<String, String> map = new TreeMap<>();
    stats.digests().forEach(d -> map.put(d.path(), d.sha256()));
    return map;
  }

  static boolean isEmptyDirectory(Path dir) throws IOException {
    try (Stream<Path> children = Files.list(dir)) {
      return children.findAny().isEmpty();
    }
  }

  /** An archive and what writing it saw. */
  record Archived(byte[] bytes, ArchiveStats stats) {
    InputStream stream() {
      return new ByteArrayInputStream(bytes);
    }
  }
}
