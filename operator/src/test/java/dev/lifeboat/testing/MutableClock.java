package dev.lifeboat.testing;

import dev.lifeboat.common.LifeboatClock;
import java.time.Duration;
import java.time.Instant;

/** A clock tests set and advance by hand. */
public final class MutableClock extends LifeboatClock {
  private volatile Instant now;

  public MutableClock(Instant start) {
    this.now = start;
  }

  public static MutableClock at(String rfc3339) {
    return new MutableClock(Instant.parse(rfc3339));
  }

  @Override
  public Instant instant() {
    return now;
  }

  public void set(String rfc3339) {
    now = Instant.parse(rfc3339);
  }

  public void set(Instant instant) {
    now = instant;
  }

  public void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public Duration realDelay(Duration onThisClock) {
    return onThisClock;
  }
}
