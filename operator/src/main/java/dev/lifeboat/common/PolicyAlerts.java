package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.Alerts;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import java.time.Duration;

/** A policy's alert thresholds as durations, defaults applied: what conditions and metrics both use. */
public final class PolicyAlerts {
  /** BackupOverdue after this without a successful backup, unless alerts.maxAge says otherwise. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(26);

  private PolicyAlerts() {}

  public static Duration maxAge(BackupPolicy policy) {
    Alerts alerts = policy.getSpec() == null ? null : policy.getSpec().alerts;
    try {
      return alerts == null || alerts.maxAge == null ? DEFAULT_MAX_AGE : Durations.parse(alerts.maxAge);
    } catch (IllegalArgumentException invalid) {
      return DEFAULT_MAX_AGE; // the spec error is reported on Ready; alerting must go on regardless
    }
  }
}
