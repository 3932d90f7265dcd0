package dev.lifeboat.backuppolicy;

import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUP_OVERDUE;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUP_SUSPICIOUS;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.LAST_BACKUP_SUCCEEDED;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.READY;

import dev.lifeboat.api.v1alpha1.Alerts;
import dev.lifeboat.api.v1alpha1.BackupEntry;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.Durations;
import dev.lifeboat.common.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Computes the policy's conditions from its persisted status and the clock alone, so they are
 * right after an operator restart. Returns the instant BackupOverdue will next flip, for the
 * reconciler to wake up exactly then.
 */
public final class PolicyConditions {
  static final Duration DEFAULT_MAX_AGE = Duration.ofHours(26);

  /** The state of the things the conditions depend on besides the status itself. */
  public record Inputs(PolicyValidator.Result validation, ClaimResolver.Claims claims) {}

  public Optional<Instant> evaluate(BackupPolicy policy, BackupPolicyStatus status, Inputs inputs, Instant now) {
    Long generation = policy.getMetadata().getGeneration();
    Duration maxAge = maxAge(policy);
    Instant lastSuccess = Times.parse(status.lastSuccessfulBackup);
    Instant since = lastSuccess != null ? lastSuccess : Times.parse(policy.getMetadata().getCreationTimestamp());
    if (since == null) {
      since = now;
    }
    Instant flipsAt = since.plus(maxAge);
    boolean overdue = now.isAfter(flipsAt);
    String maxAgeText = policy.getSpec() != null && policy.getSpec().alerts != null && policy.getSpec().alerts.maxAge != null
        ? policy.getSpec().alerts.maxAge : Durations.format(maxAge);
    String age = Durations.format(Duration.between(since, now));
    if (lastSuccess == null) {
      Conditions.set(status.conditions, BACKUP_OVERDUE, overdue, overdue ? Reasons.NEVER_BACKED_UP : Reasons.NO_BACKUP_YET,
          overdue ? "no successful backup since the policy was created " + age + " ago (alerts.maxAge " + maxAgeText + ")"
              : "no successful backup yet; overdue after " + Times.rfc3339(flipsAt),
          generation, now);
    } else {
      Conditions.set(status.conditions, BACKUP_OVERDUE, overdue, overdue ? Reasons.OVERDUE : Reasons.WITHIN_MAX_AGE,
          overdue ? "newest successful backup is " + age + " old (" + status.lastSuccessfulBackup
              + "), older than alerts.maxAge " + maxAgeText
              : "newest successful backup is " + age + " old, within alerts.maxAge " + maxAgeText,
          generation, now);
    }
    lastBackupSucceeded(status, generation, now);
    suspicious(policy, status, generation, now);
    ready(policy, status, inputs, overdue, generation, now);
    return overdue ? Optional.empty() : Optional.of(flipsAt.plusMillis(1));
  }

  static Duration maxAge(BackupPolicy policy) {
    Alerts alerts = policy.getSpec() == null ? null : policy.getSpec().alerts;
    try {
      return alerts == null || alerts.maxAge == null ? DEFAULT_MAX_AGE : Durations.parse(alerts.maxAge);
    } catch (IllegalArgumentException invalid) {
      return DEFAULT_MAX_AGE; // the spec error is reported on Ready; alerting must go on regardless
    }
  }

  private static void lastBackupSucceeded(BackupPolicyStatus status, Long generation, Instant now) {
    var last = status.lastBackup;
    if (last == null || BackupRecorder.RUNNING.equals(last.phase)) {
      if (Conditions.find(status.conditions, LAST_BACKUP_SUCCEEDED).isEmpty()) {
        Conditions.set(status.conditions, LAST_BACKUP_SUCCEEDED, Conditions.UNKNOWN, Reasons.NO_BACKUP_YET,
            last == null ? "no backup has run yet" : "the first backup is running", generation, now);
      }
      return;
    }
    boolean ok = AgentResult.SUCCEEDED.equals(last.phase);
    Conditions.set(status.conditions, LAST_BACKUP_SUCCEEDED, ok, ok ? Reasons.BACKUP_SUCCEEDED : Reasons.BACKUP_FAILED,
        "backup " + last.id + (ok ? " succeeded" : " failed") + (last.message == null ? "" : ": " + last.message),
        generation, now);
  }

  private static void suspicious(BackupPolicy policy, BackupPolicyStatus status, Long generation, Instant now) {
    if (status.backups == null || status.backups.isEmpty() || status.backups.get(0).bytes == null) {
      Conditions.set(status.conditions, BACKUP_SUSPICIOUS, Conditions.UNKNOWN, Reasons.NO_BACKUP_YET,
          "no backup size known yet", generation, now);
      return;
    }
    BackupEntry newest = status.backups.get(0);
    long minSize = PolicyRetention.minSizeBytes(policy.getSpec() == null ? null : policy.getSpec().alerts);
    Long previous = status.backups.size() > 1 ? status.backups.get(1).bytes : null;
    if (newest.bytes < minSize) {
      Conditions.set(status.conditions, BACKUP_SUSPICIOUS, true, Reasons.BELOW_MIN_SIZE,
          "newest backup " + newest.id + " is " + newest.bytes + " bytes, below alerts.minSize (" + minSize + " bytes)",
          generation, now);
    } else if (previous != null && newest.bytes * 10 < previous) {
      Conditions.set(status.conditions, BACKUP_SUSPICIOUS, true, Reasons.SHRANK,
          "newest backup " + newest.id + " is " + newest.bytes + " bytes, under 10% of the previous one (" + previous
              + " bytes)", generation, now);
    } else {
      Conditions.set(status.conditions, BACKUP_SUSPICIOUS, false, Reasons.SIZE_PLAUSIBLE,
          "newest backup " + newest.id + " is " + newest.bytes + " bytes", generation, now);
    }
  }

  private static void ready(BackupPolicy policy, BackupPolicyStatus status, Inputs inputs, boolean overdue,
      Long generation, Instant now) {
    if (!inputs.validation().valid()) {
      Conditions.set(status.conditions, READY, false, Reasons.INVALID_SPEC, inputs.validation().message(), generation, now);
    } else if (inputs.claims() != null && !inputs.claims().ok()) {
      Conditions.set(status.conditions, READY, false, inputs.claims().problemReason(), inputs.claims().problem(), generation, now);
    } else if (overdue) {
      Conditions.set(status.conditions, READY, false, Reasons.OVERDUE, "the newest successful backup is older than alerts.maxAge",
          generation, now);
    } else if (Boolean.TRUE.equals(policy.getSpec().suspend)) {
      Conditions.set(status.conditions, READY, true, Reasons.SUSPENDED, "suspended: no new backups start", generation, now);
    } else if (status.lastSuccessfulBackup == null) {
      Conditions.set(status.conditions, READY, true, Reasons.WAITING_FOR_FIRST_BACKUP,
          "valid; waiting for the first backup" + (status.nextBackup == null ? "" : " at " + status.nextBackup), generation, now);
    } else {
      Conditions.set(status.conditions, READY, true, Reasons.UP_TO_DATE, "valid, and the newest backup is fresh", generation, now);
    }
  }
}
