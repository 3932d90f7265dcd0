package dev.lifeboat.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The operator's time. Besides telling the time it converts a wait measured on this clock into
 * a wait in real time, so a clock that runs faster than the wall (the sandbox's time warp) still
 * wakes the reconciler at the right moment. The system clock converts one to one.
 */
public abstract class LifeboatClock extends Clock {
  public static LifeboatClock system() {
    return new SystemClock();
  }

  /** How long to really wait so that {@code onThisClock} has passed on this clock. */
  public abstract Duration realDelay(Duration onThisClock);

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("Lifeboat clocks are always UTC");
  }

  private static final class SystemClock extends LifeboatClock {
    @Override
    public Instant instant() {
      return Instant.now();
    }

    @Override
    public Duration realDelay(Duration onThisClock) {
      return onThisClock;
    }
  }
}
