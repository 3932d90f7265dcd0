package dev.lifeboat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a directory tree holds, byte for byte, for "nothing changed" assertions: a map that compares
 * and prints well; symlinks are recorded, never followed.
 */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Relative path → "dir", "link->TARGET" or the file's size and SHA-256, for everything under
   * {@code root} but the {@code excluded} subtrees.
   */
  public static Map<String, String> snapshot(Path root, List<Path> excluded) {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.filter(p -> !p.equals(root) && excluded.stream().noneMatch(p::startsWith)).toList()) {
        String name = root.relativize(path).toString();
        if (Files.isSymbolicLink(path)) {
          tree.put(name, "link->" + Files.readSymbolicLink(path));
        } else if (Files.isDirectory(path)) {
          tree.put(name + "/", "dir");
        } else {
          tree.put(name, Files.size(path) + " bytes, sha256 " + sha256(path));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tree;
  }

  public static Map<String, String> snapshot(Path root) {
    return snapshot(root, List.of());
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
