package dev.lifeboat.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * One way to assert on a condition, shared by all controller tests: its status and reason, a
 * fragment of the message a user reads, and the generation it was computed for.
 */
public final class ConditionAssert {
  private ConditionAssert() {}

  /**
   * @param reason the expected reason, or null when any will do
   * @param messageFragment text the message must contain (what names the field or object at fault)
   * @param generation the metadata.generation the condition must say it observed
   */
  public static Condition assertCondition(List<Condition> conditions, String type, String status, String reason,
      String messageFragment, long generation) {
    Condition condition = Conditions.find(conditions, type)
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + conditions));
    assertThat(condition.getStatus()).as("%s status (%s)", type, condition.getMessage()).isEqualTo(status);
    if (reason != null) {
      assertThat(condition.getReason()).as("%s reason (%s)", type, condition.getMessage()).isEqualTo(reason);
    }
    assertThat(condition.getMessage()).as("%s message", type).contains(messageFragment);
    assertThat(condition.getObservedGeneration()).as("%s observedGeneration", type).isEqualTo(generation);
    return condition;
  }
}
