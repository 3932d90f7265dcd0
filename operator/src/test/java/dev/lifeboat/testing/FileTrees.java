package dev.lifeboat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What a directory tree holds, for "nothing changed" assertions: symlinks are recorded, never followed. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Relative path → "dir", "link->TARGET" or the file's SHA-256, for everything under {@code root}
   * but the {@code excluded} subtrees.
   */
  public static Map<String, String> snapshot(Path root, List<Path> excluded) {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.filter(p -> excluded.stream().noneMatch(p::startsWith)).toList()) {
        String name = root.relativize(path).toString();
        if (Files.isSymbolicLink(path)) {
          tree.put(name, "link->" + Files.readSymbolicLink(path));
        } else if (Files.isDirectory(path)) {
          tree.put(name + "/", "dir");
        } else {
          tree.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return tree;
  }

  public static Map<String, String> snapshot(Path root) {
    return snapshot(root, List.of());
  }
}
