package dev.lifeboat.agent.archive;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Exclude globs relative to the volume root, with java.nio "glob:" semantics ("*" stays within one
 * directory, "**" crosses directories). Two conveniences: a leading "/" or "./" is ignored, and a leading
 * "**&#47;" also matches at the root, so "**&#47;*.tmp" excludes "a.tmp" as well as "x/y/a.tmp".
 * "logs" excludes the directory and everything in it; "logs/**" keeps an empty "logs/".
 */
final class Excludes {
  private final List<PathMatcher> matchers = new ArrayList<>();

  Excludes(List<String> globs) {
    FileSystem fs = FileSystems.getDefault();
    for (String glob : globs) {
      String relative = stripRootPrefix(glob);
      if (relative.isBlank()) {
        throw new IllegalArgumentException("exclude glob '" + glob + "' is empty");
      }
      try {
        matchers.add(fs.getPathMatcher("glob:" + relative));
        if (relative.startsWith("**/")) {
          matchers.add(fs.getPathMatcher("glob:" + relative.substring(3)));
        }
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("exclude glob '" + glob + "' is not a valid glob: "
            + e.getDescription(), e);
      }
    }
  }

  /** Whether the entry at {@code relativePath} (no trailing slash) is left out. */
  boolean excludes(String relativePath) {
    if (matchers.isEmpty()) {
      return false;
    }
    Path path = Path.of(relativePath);
    for (PathMatcher matcher : matchers) {
      if (matcher.matches(path)) {
        return true;
      }
    }
    return false;
  }

  private static String stripRootPrefix(String glob) {
    String g = glob.trim();
    while (g.startsWith("./") || g.startsWith("/")) {
      g = g.substring(g.startsWith("/") ? 1 : 2);
    }
    return g;
  }
}
