package dev.lifeboat.agent.cli;

import dev.lifeboat.common.Durations;
import java.time.Duration;

/** The time to live of a reader's pin object, as written on the command line (6h, 90m, 7200s). */
final class PinOption {
  private PinOption() {}

  static Duration ttl(String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }
}
