package dev.lifeboat.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Writes the conditions of one status during one reconcile, bound once to the list, the
 * generation observed and the instant. A condition's lastTransitionTime moves only when its status
 * changes; reason, message and observedGeneration are refreshed every time.
 */
public final class ConditionWriter {
  private final List<Condition> conditions;
  private final Long generation;
  private final Instant now;

  public ConditionWriter(List<Condition> conditions, Long generation, Instant now) {
    this.conditions = conditions;
    this.generation = generation;
    this.now = now;
  }

  public void set(String type, boolean status, String reason, String message) {
    set(type, status ? Conditions.TRUE : Conditions.FALSE, reason, message);
  }

  /** The condition False for this problem. */
  public void set(String type, Problem problem) {
    set(type, Conditions.FALSE, problem.reason(), problem.message());
  }

  public void unknown(String type, String reason, String message) {
    set(type, Conditions.UNKNOWN, reason, message);
  }

  /** Drops a condition that no longer applies (e.g. a feature turned off). */
  public void remove(String type) {
    conditions.removeIf(c -> type.equals(c.getType()));
  }

  public Optional<Condition> find(String type) {
    return Conditions.find(conditions, type);
  }

  public boolean isTrue(String type) {
    return Conditions.isTrue(conditions, type);
  }

  private void set(String type, String status, String reason, String message) {
    Optional<Condition> existing = find(type);
    String transition = existing.filter(c -> status.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .orElse(Times.rfc3339(now));
    Condition updated = new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
    existing.ifPresentOrElse(c -> conditions.set(conditions.indexOf(c), updated), () -> conditions.add(updated));
  }
}
