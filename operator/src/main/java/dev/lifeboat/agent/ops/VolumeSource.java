package dev.lifeboat.agent.ops;

import java.nio.file.Path;

/** One --volume CLAIM=DIR. */
public record VolumeSource(String claim, Path dir) {
  public static VolumeSource parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException("--volume: '" + spec + "' is not CLAIM=DIR");
    }
    return new VolumeSource(spec.substring(0, eq), Path.of(spec.substring(eq + 1)));
  }
}
