package dev.lifeboat.agent.archive;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** The sub-paths a restore is limited to: a file, or a directory and everything under it. */
final class Selection {
  private final List<String> paths = new ArrayList<>();
  private final boolean everything;

  Selection(List<String> requested) {
    boolean all = requested.isEmpty();
    for (String path : requested) {
      String normalized = normalize(path);
      all |= normalized.isEmpty();
      paths.add(normalized);
    }
    this.everything = all;
  }

  boolean everything() {
    return everything;
  }

  List<String> paths() {
    return List.copyOf(paths);
  }

  /** The requested paths {@code name} is at or under. */
  List<String> matching(String name) {
    return paths.stream().filter(path -> path.isEmpty() || name.equals(path) || name.startsWith(path + "/")).toList();
  }

  boolean includes(String name) {
    if (everything) {
      return true;
    }
    for (String path : paths) {
      if (name.equals(path) || name.startsWith(path + "/")) {
        return true;
      }
    }
    return false;
  }

  /** "data/", "./data" and "/data" all mean the volume's "data". */
  private static String normalize(String path) {
    StringJoiner parts = new StringJoiner("/");
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        throw new IllegalArgumentException("restore path '" + path + "' must not contain '..'");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return parts.toString();
  }
}
