package dev.lifeboat.agent.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One --dump NAME=DIR[,timeout=S]: a dump container's directory (docs/agent.md, "Dumps"), and the
 * timeout its wrapper runs the command under (the agent's own waits are set apart from it).
 */
public record DumpSource(String name, Path dir, Duration timeout) {
  /** A DNS label, as the policy's validator requires: it becomes part of an object's name. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  public static DumpSource parse(String spec) {
    String[] parts = spec.split(",");
    int eq = parts[0].indexOf('=');
    if (eq <= 0 || eq == parts[0].length() - 1) {
      throw new IllegalArgumentException("--dump: '" + spec + "' is not NAME=DIR[,timeout=SECONDS]");
    }
    String name = parts[0].substring(0, eq);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("--dump: '" + name + "' is not a DNS label (lower-case letters, digits, '-')");
    }
    Duration timeout = DEFAULT_TIMEOUT;
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].startsWith("timeout=")) {
        throw new IllegalArgumentException("--dump: unknown setting '" + parts[i] + "' in '" + spec + "'; expected timeout=SECONDS");
      }
      try {
        long seconds = Long.parseLong(parts[i].substring("timeout=".length()));
        if (seconds < 1) {
          throw new NumberFormatException();
        }
        timeout = Duration.ofSeconds(seconds);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--dump: '" + parts[i] + "' is not timeout=SECONDS (a whole number, at least 1)");
      }
    }
    return new DumpSource(name, Path.of(parts[0].substring(eq + 1)), timeout);
  }
}
