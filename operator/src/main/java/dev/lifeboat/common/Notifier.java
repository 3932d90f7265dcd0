package dev.lifeboat.common;

/**
 * Tells people outside the cluster (a chat webhook) what the Events say, for teams without
 * Prometheus. Never blocks and never fails its caller: delivery is someone else's thread.
 */
public interface Notifier {
  /** No notifications (not configured, tests). */
  Notifier NONE = notification -> {};

  void notify(Notification notification);

  /**
   * One transition of one object's condition: {@code status} is the condition's new status, and
   * {@code warning} whether it is bad news.
   */
  record Notification(String namespace, String kind, String name, String condition, String status, String reason,
      String message, String time, boolean warning) {}
}
