package dev.lifeboat.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  public record Watched(String badStatus, Set<String> reasons) {
    boolean bad(Condition condition) {
      return badStatus.equals(condition.getStatus());
    }

    boolean concerns(Condition condition) {
      return reasons.isEmpty() || reasons.contains(condition.getReason());
    }
  }

  private final Map<String, Watched> watched;
  private final EventRecorder events;

  public ConditionEvents(Map<String, Watched> watched, EventRecorder events) {
    this.watched = watched;
    this.events = events;
  }

  /** Records an Event on {@code about} for each watched condition whose status changed from {@code before} to {@code after}. */
  public void announce(HasMetadata about, List<Condition> before, List<Condition> after) {
    watched.forEach((type, rule) -> Conditions.find(after, type).ifPresent(now -> {
      Optional<Condition> was = before == null ? Optional.empty() : Conditions.find(before, type);
      boolean wasBad = was.filter(rule::bad).filter(rule::concerns).isPresent();
      String message = type + " " + now.getStatus() + ": " + now.getMessage();
      boolean sameTrouble = wasBad && was.get().getReason().equals(now.getReason());
      if (rule.bad(now) && rule.concerns(now) && !sameTrouble) {
        events.warning(about, now.getReason(), message);
      } else if (wasBad && !(rule.bad(now) && rule.concerns(now)) && !Conditions.UNKNOWN.equals(now.getStatus())) {
        events.normal(about, now.getReason(), message);
      }
    }));
  }
}
