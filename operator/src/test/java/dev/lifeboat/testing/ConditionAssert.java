package dev.lifeboat.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** One way to assert on a condition, shared by all controller tests. */
public final class ConditionAssert {
  private ConditionAssert() {}

  public static Condition assertCondition(List<Condition> conditions, String type, String status, String reason) {
    Condition condition = Conditions.find(conditions, type)
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + conditions));
    assertThat(condition.getStatus()).as("%s status (%s)", type, condition.getMessage()).isEqualTo(status);
    if (reason != null) {
      assertThat(condition.getReason()).as("%s reason (%s)", type, condition.getMessage()).isEqualTo(reason);
    }
    return condition;
  }
}
