package dev.lifeboat.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Clock;
import java.util.Set;

/**
 * One Event per transition a person cares about: a watched condition turning bad (a Warning, the
 * condition's reason and message), also when first seen or when the trouble changes reason, or good
 * again after it was bad (Normal).
 * Unknown is neither. Pure but for the recorder.
 */
public final class ConditionEvents {
  /**
   * What a condition type says when it is bad ("True" for BackupOverdue, "False" for Ready), and the
   * reasons that make it worth an Event at all (empty: every reason).
   */
  public record Watched(String badStatus, Set<String> reasons, boolean event) {
    /** A transition told by an Event and a notification. */
    public Watched(String badStatus, Set<String> reasons) {
      this(badStatus, reasons, true);
    }

    /** A transition told by a notification only: an Event of its own is written elsewhere (a run's end). */
    public static Watched notifyOnly(String badStatus) {
      return new Watched(badStatus, Set.of(), false);
    }

    boolean bad(Condition condition) {
      return badStatus.equals(condition.getStatus());
    }

    boolean concerns(Condition condition) {
      return reasons.isEmpty() || reasons.contains(condition.getReason());
    }
  }

  private final Map<String, Watched> watched;
  private final EventRecorder events;
  private final Notifier notifier;
  private final Clock clock;

  public ConditionEvents(Map<String, Watched> watched, EventRecorder events) {
    this(watched, events, Notifier.NONE, Clock.systemUTC());
  }

  public ConditionEvents(Map<String, Watched> watched, EventRecorder events, Notifier notifier, Clock clock) {
    this.watched = watched;
    this.events = events;
    this.notifier = notifier;
    this.clock = clock;
  }

  /** Tells of each watched condition of {@code about} that turned bad or good from {@code before} to {@code after}. */
  public void announce(HasMetadata about, List<Condition> before, List<Condition> after) {
    watched.forEach((type, rule) -> Conditions.find(after, type).ifPresent(now -> {
      Optional<Condition> was = before == null ? Optional.empty() : Conditions.find(before, type);
      boolean wasBad = was.filter(rule::bad).filter(rule::concerns).isPresent();
      boolean sameTrouble = wasBad && was.get().getReason().equals(now.getReason());
      String message = type + " " + now.getStatus() + ": " + now.getMessage();
      if (rule.bad(now) && rule.concerns(now) && !sameTrouble) {
        tell(about, type, now, message, true, rule.event());
      } else if (wasBad && !(rule.bad(now) && rule.concerns(now)) && !Conditions.UNKNOWN.equals(now.getStatus())) {
        tell(about, type, now, message, false, rule.event());
      }
    }));
  }

  private void tell(HasMetadata about, String type, Condition now, String message, boolean warning, boolean event) {
    if (event) {
      if (warning) {
        events.warning(about, now.getReason(), message);
      } else {
        events.normal(about, now.getReason(), message);
      }
    }
    notifier.notify(new Notifier.Notification(about.getMetadata().getNamespace(), about.getKind(),
        about.getMetadata().getName(), type, now.getStatus(), now.getReason(), now.getMessage(),
        Times.rfc3339(clock.instant()), warning));
  }
}
