package dev.lifeboat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What a directory holds, byte for byte, as a map that compares and prints well in assertions. */
public final class FileTrees {
  private FileTrees() {}

  /** Every entry under {@code root} by relative path: "dir", "link -> target", or a file's size and SHA-256. */
  public static Map<String, String> contents(Path root) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(p -> !p.equals(root)).toList()) {
        String name = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          entries.put(name, "link -> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          entries.put(name, "dir");
        } else {
          entries.put(name, Files.size(p) + " bytes, sha256 " + sha256(p));
        }
      }
    }
    return entries;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
