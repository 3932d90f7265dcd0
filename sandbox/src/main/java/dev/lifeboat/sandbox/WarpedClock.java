package dev.lifeboat.sandbox;

import dev.lifeboat.common.LifeboatClock;
import java.time.Duration;
import java.time.Instant;

/** The sandbox cluster's clock: runs {@code factor} times faster than the wall, from now. */
public final class WarpedClock extends LifeboatClock {
  private final long realStartNanos = System.nanoTime();
  private final Instant start;
  private final double factor;

  public WarpedClock(double factor) {
    this(factor, Instant.now());
  }

  /** Starting at {@code start} now. */
  public WarpedClock(double factor, Instant start) {
    if (factor < 1) {
      throw new IllegalArgumentException("--time-warp must be at least 1, was " + factor);
    }
    this.factor = factor;
    this.start = start;
  }

  public double factor() {
    return factor;
  }

  @Override
  public Instant instant() {
    long elapsed = System.nanoTime() - realStartNanos;
    return start.plusNanos((long) (elapsed * factor));
  }

  @Override
  public Duration realDelay(Duration onThisClock) {
    return Duration.ofNanos(Math.max(1_000_000L, (long) (onThisClock.toNanos() / factor)));
  }
}
