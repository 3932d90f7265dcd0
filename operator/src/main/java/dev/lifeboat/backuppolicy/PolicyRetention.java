package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.Alerts;
import dev.lifeboat.api.v1alpha1.Retention;
import dev.lifeboat.retention.RetentionRules;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

/** Translates the policy's retention and alert fields into the agent's terms. */
final class PolicyRetention {
  private PolicyRetention() {}

  static RetentionRules rules(Retention retention) {
    return new RetentionRules(value(retention.keepLast), value(retention.keepHourly), value(retention.keepDaily),
        value(retention.keepWeekly), value(retention.keepMonthly), value(retention.keepYearly),
        java.util.Set.copyOf(retention.pinned == null ? List.of() : retention.pinned));
  }

  static long minSizeBytes(Alerts alerts) {
    Quantity minSize = alerts == null || alerts.minSize == null ? new Quantity(Alerts.DEFAULT_MIN_SIZE) : alerts.minSize;
    return Quantity.getAmountInBytes(minSize).longValue();
  }

  private static int value(Integer rule) {
    return rule == null ? 0 : rule;
  }
}
