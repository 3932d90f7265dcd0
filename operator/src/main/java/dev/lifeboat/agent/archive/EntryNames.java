package dev.lifeboat.agent.archive;

import java.util.StringJoiner;

/** Archive entry names checked and brought to one form: relative, '/'-separated, no "." parts, no trailing "/". */
final class EntryNames {
  private EntryNames() {}

  /**
   * The safe relative form of {@code name} ("" for the root itself, e.g. "./"). Absolute names and names
   * with a ".." part are refused, even when they would resolve inside the target.
   */
  static String normalize(String name) throws UnsafeArchiveException {
    return normalize(name, name, "");
  }

  /** As {@link #normalize(String)} for a name inside an entry (a link target); refusals name {@code entry}. */
  static String normalize(String name, String entry, String what) throws UnsafeArchiveException {
    if (name.startsWith("/")) {
      throw new UnsafeArchiveException(entry, what + "absolute path");
    }
    StringJoiner parts = new StringJoiner("/");
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw new UnsafeArchiveException(entry, what + "contains '..'");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return parts.toString();
  }
}
