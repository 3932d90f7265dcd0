package dev.lifeboat.common;

/** Where the controllers report beyond status and Events: metrics, and notifications. */
public record Reporting(RunMetrics metrics, Notifier notifier) {
  public static final Reporting NONE = new Reporting(RunMetrics.NONE, Notifier.NONE);
}
