package dev.lifeboat.agent.cli;

import java.time.Duration;

/** A number of seconds from the command line, fractions allowed (tests use short waits). */
final class Seconds {
  private Seconds() {}

  static Duration of(double seconds) {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("a timeout must be more than 0 seconds, not " + seconds);
    }
    return Duration.ofMillis(Math.round(seconds * 1000));
  }
}
