package dev.lifeboat.backuppolicy;

import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUPS_DAMAGED;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUP_OVERDUE;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUP_SUSPICIOUS;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.LAST_BACKUP_SUCCEEDED;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.LAST_VERIFICATION_SUCCEEDED;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.READY;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.VERIFICATION_OVERDUE;

import dev.lifeboat.api.v1alpha1.BackupEntry;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.DamagedBackupEntry;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.common.ConditionEvents;
import dev.lifeboat.common.ConditionWriter;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.Notifier;
import dev.lifeboat.common.Problem;
import dev.lifeboat.common.Durations;
import dev.lifeboat.common.PolicyAlerts;
import dev.lifeboat.common.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Computes the policy's conditions from its persisted status and the clock alone, so they are
 * right after an operator restart. Returns the instant BackupOverdue will next flip, for the
 * reconciler to wake up exactly then.
 */
public final class PolicyConditions {
  static final Duration DEFAULT_MAX_AGE = PolicyAlerts.DEFAULT_MAX_AGE;
  static final Duration DEFAULT_VERIFY_MAX_AGE = Duration.ofDays(45);

  /** The state of the things the conditions depend on besides the status itself. */
  /** {@code claimProblem} is null when the claims are fine or were not looked at (invalid spec). */
  public record Inputs(PolicyValidator.Result validation, Problem claimProblem) {}

  public Optional<Instant> evaluate(BackupPolicy policy, BackupPolicyStatus status, Inputs inputs, Instant now) {
    ConditionWriter conditions = new ConditionWriter(status.conditions, policy.getMetadata().getGeneration(), now);
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
    String newest = newestGood(status).map(id -> "newest successful backup " + id).orElse("newest successful backup");
    String freshness;
    if (lastSuccess == null) {
      freshness = overdue ? "no successful backup since the policy was created " + age + " ago (alerts.maxAge " + maxAgeText + ")"
          : "no successful backup yet; overdue after " + Times.rfc3339(flipsAt);
      conditions.set(BACKUP_OVERDUE, overdue, overdue ? Reasons.NEVER_BACKED_UP : Reasons.NO_BACKUP_YET, freshness);
    } else {
      freshness = overdue ? newest + " is " + age + " old (" + status.lastSuccessfulBackup
          + "), older than alerts.maxAge " + maxAgeText
          // No age here: the message stays the same while the policy does, so a reconcile that changes
          // nothing writes nothing (an overdue policy's message says its age: it is an alarm).
          : newest + " finished " + status.lastSuccessfulBackup + ", within alerts.maxAge " + maxAgeText + " until "
              + Times.rfc3339(flipsAt);
      conditions.set(BACKUP_OVERDUE, overdue, overdue ? Reasons.OVERDUE : Reasons.WITHIN_MAX_AGE, freshness);
    }
    lastBackupSucceeded(status, conditions);
    suspicious(policy, status, conditions);
    damaged(status, conditions);
    ready(policy, status, inputs, overdue, freshness, conditions);
    Optional<Instant> verificationFlip = verification(policy, status, conditions, now);
    return Stream.of(overdue ? Optional.<Instant>empty() : Optional.of(flipsAt.plusMillis(1)), verificationFlip)
        .flatMap(Optional::stream).min(Comparator.naturalOrder());
  }

  /**
   * VerificationOverdue (the last successful drill older than verify.maxAge, counted from the
   * policy's creation before any) and LastVerificationSucceeded, with a drill schedule; neither
   * without one. Returns when VerificationOverdue next flips.
   */
  private static Optional<Instant> verification(BackupPolicy policy, BackupPolicyStatus status, ConditionWriter conditions,
      Instant now) {
    if (!RestoreDrills.scheduled(policy)) {
      conditions.remove(VERIFICATION_OVERDUE);
      conditions.remove(LAST_VERIFICATION_SUCCEEDED);
      return Optional.empty();
    }
    String maxAgeText = policy.getSpec().verify.maxAge == null ? "45d" : policy.getSpec().verify.maxAge;
    Duration maxAge;
    try {
      maxAge = Durations.parse(maxAgeText);
    } catch (IllegalArgumentException invalid) {
      maxAge = DEFAULT_VERIFY_MAX_AGE; // reported on Ready as an invalid spec
    }
    Instant lastGood = Times.parse(status.lastSuccessfulVerification);
    Instant since = Optional.ofNullable(lastGood).or(() -> Optional.ofNullable(Times.parse(policy.getMetadata()
        .getCreationTimestamp()))).orElse(now);
    Instant flipsAt = since.plus(maxAge);
    boolean overdue = now.isAfter(flipsAt);
    String age = Durations.format(Duration.between(since, now));
    if (lastGood == null) {
      conditions.set(VERIFICATION_OVERDUE, overdue, overdue ? Reasons.NEVER_VERIFIED : Reasons.NO_VERIFICATION_YET,
          overdue ? "no successful restore drill since the policy was created " + age + " ago (verify.maxAge " + maxAgeText + ")"
              : "no successful restore drill yet; overdue after " + Times.rfc3339(flipsAt));
    } else {
      conditions.set(VERIFICATION_OVERDUE, overdue, overdue ? Reasons.OVERDUE : Reasons.VERIFIED_RECENTLY,
          "last successful restore drill finished " + age + " ago (" + status.lastSuccessfulVerification + "), "
              + (overdue ? "older than" : "within") + " verify.maxAge " + maxAgeText);
    }
    var last = status.lastVerification;
    if (last == null || RestoreDrills.RUNNING.equals(last.result)) {
      if (conditions.find(LAST_VERIFICATION_SUCCEEDED).isEmpty()) {
        conditions.unknown(LAST_VERIFICATION_SUCCEEDED, Reasons.NO_VERIFICATION_YET,
            last == null ? "no restore drill has run yet" : "the first restore drill is running");
      }
    } else {
      boolean good = RestoreDrills.SUCCEEDED.equals(last.result);
      conditions.set(LAST_VERIFICATION_SUCCEEDED, good, good ? Reasons.VERIFICATION_SUCCEEDED : Reasons.VERIFICATION_FAILED,
          "restore drill of backup " + last.id + (good ? " succeeded: " : " failed: ") + last.message);
    }
    return overdue ? Optional.empty() : Optional.of(flipsAt.plusMillis(1));
  }

  /**
   * The transitions a person is told of by an Event: overdue, suspicious and verification overdue
   * turning True (or back), and the claim problems that make Ready False. An invalid spec has its own
   * Event; a failed run or drill too, so those transitions are only notified.
   */
  static ConditionEvents events(EventRecorder recorder, Notifier notifier, Clock clock) {
    return new ConditionEvents(Map.of(
        BACKUP_OVERDUE, new ConditionEvents.Watched(Conditions.TRUE, Set.of()),
        BACKUP_SUSPICIOUS, new ConditionEvents.Watched(Conditions.TRUE, Set.of()),
        VERIFICATION_OVERDUE, new ConditionEvents.Watched(Conditions.TRUE, Set.of()),
        READY, new ConditionEvents.Watched(Conditions.FALSE, Set.of(Reasons.CLAIM_NOT_FOUND, Reasons.CLAIM_NOT_BOUND,
            Reasons.NO_CLAIMS_SELECTED, Reasons.CLAIM_IN_USE, Reasons.CLAIMS_ON_DIFFERENT_NODES)),
        LAST_BACKUP_SUCCEEDED, ConditionEvents.Watched.notifyOnly(Conditions.FALSE),
        // Each damaged backup has its own Event when first seen (the reconciler writes it).
        BACKUPS_DAMAGED, ConditionEvents.Watched.notifyOnly(Conditions.TRUE),
        LAST_VERIFICATION_SUCCEEDED, ConditionEvents.Watched.notifyOnly(Conditions.FALSE)), recorder, notifier, clock);
  }

  /** The id of the newest whole backup in status, if one is listed. */
  static Optional<String> newestGood(BackupPolicyStatus status) {
    return status.backups == null ? Optional.empty() : status.backups.stream()
        .filter(b -> !Boolean.TRUE.equals(b.partial)).map(b -> b.id).findFirst();
  }

  static Duration maxAge(BackupPolicy policy) {
    return PolicyAlerts.maxAge(policy);
  }

  private static void lastBackupSucceeded(BackupPolicyStatus status, ConditionWriter conditions) {
    var last = status.lastBackup;
    if (last == null || last.phase == BackupPhase.Running) {
      if (conditions.find(LAST_BACKUP_SUCCEEDED).isEmpty()) {
        conditions.unknown(LAST_BACKUP_SUCCEEDED, Reasons.NO_BACKUP_YET,
            last == null ? "no backup has run yet" : "the first backup is running");
      }
      return;
    }
    String detail = last.message == null ? "" : ": " + last.message;
    switch (last.phase) {
      case Succeeded -> {
        boolean warned = last.warnings != null && !last.warnings.isEmpty();
        conditions.set(LAST_BACKUP_SUCCEEDED, true, warned ? Reasons.SUCCEEDED_WITH_WARNINGS : Reasons.BACKUP_SUCCEEDED,
            "backup " + last.id + " succeeded" + (warned ? " with warnings" : "") + detail);
      }
      case PartiallyFailed -> conditions.set(LAST_BACKUP_SUCCEEDED, false, Reasons.PARTIALLY_FAILED,
          "backup " + last.id + " left data out" + detail);
      default -> conditions.set(LAST_BACKUP_SUCCEEDED, false, last.reason != null ? last.reason : Reasons.BACKUP_FAILED,
          "backup " + last.id + " failed" + detail);
    }
  }

  private static void suspicious(BackupPolicy policy, BackupPolicyStatus status, ConditionWriter conditions) {
    // Partial backups are judged by LastBackupSucceeded; sizes are those of whole backups.
    List<BackupEntry> whole = status.backups == null ? List.of()
        : status.backups.stream().filter(b -> !Boolean.TRUE.equals(b.partial)).toList();
    if (whole.isEmpty() || whole.get(0).bytes == null) {
      conditions.unknown(BACKUP_SUSPICIOUS, Reasons.NO_BACKUP_YET,
          "no backup size known yet");
      return;
    }
    BackupEntry newest = whole.get(0);
    long minSize = PolicyRetention.minSizeBytes(policy.getSpec() == null ? null : policy.getSpec().alerts);
    // The agent's rule: compared with the previous good backup, so a second small backup in a row stays suspicious.
    Long previous = whole.stream().skip(1).filter(b -> !Boolean.TRUE.equals(b.suspicious) && b.bytes != null)
        .map(b -> b.bytes).findFirst().orElse(null);
    if (newest.bytes < minSize) {
      conditions.set(BACKUP_SUSPICIOUS, true, Reasons.BELOW_MIN_SIZE,
          "newest backup " + newest.id + " is " + newest.bytes + " bytes, below alerts.minSize (" + minSize + " bytes)");
    } else if (previous != null && newest.bytes * 10 < previous) {
      conditions.set(BACKUP_SUSPICIOUS, true, Reasons.SHRANK,
          "newest backup " + newest.id + " is " + newest.bytes + " bytes, under 10% of the previous one (" + previous
              + " bytes)");
    } else {
      conditions.set(BACKUP_SUSPICIOUS, false, Reasons.SIZE_PLAUSIBLE,
          "newest backup " + newest.id + " is " + newest.bytes + " bytes");
    }
  }

  /**
   * BackupsDamaged: True while the repository holds backups whose manifest cannot be read. Ready
   * keeps its meaning (new backups are made and fresh): a damaged older backup is a lost restore
   * point someone must look at, not a policy that stopped working.
   */
  private static void damaged(BackupPolicyStatus status, ConditionWriter conditions) {
    List<DamagedBackupEntry> damaged = status.damagedBackups;
    if (damaged == null) {
      conditions.unknown(BACKUPS_DAMAGED, Reasons.NO_BACKUP_YET,
          "the repository has not been read yet; each backup run reads it");
    } else if (damaged.isEmpty()) {
      conditions.set(BACKUPS_DAMAGED, false, Reasons.NO_DAMAGED_BACKUPS,
          "every backup's manifest could be read when the repository was last read");
    } else {
      conditions.set(BACKUPS_DAMAGED, true, Reasons.DAMAGED_BACKUPS_FOUND, damaged.size()
          + " damaged backup(s) in the repository, skipped by restores and kept by retention until repaired or"
          + " deleted by hand (status.damagedBackups); " + damaged.get(0).id + ": " + damaged.get(0).problem);
    }
  }

  /** {@code freshness}: how old the newest good backup is, as BackupOverdue says it. */
  private static void ready(BackupPolicy policy, BackupPolicyStatus status, Inputs inputs, boolean overdue,
      String freshness, ConditionWriter conditions) {
    if (!inputs.validation().valid()) {
      conditions.set(READY, false, inputs.validation().reason(), inputs.validation().message());
    } else if (inputs.claimProblem() != null) {
      conditions.set(READY, inputs.claimProblem());
    } else if (overdue) {
      conditions.set(READY, false, Reasons.OVERDUE, freshness);
    } else if (Boolean.TRUE.equals(policy.getSpec().suspend)) {
      conditions.set(READY, true, Reasons.SUSPENDED, "suspended: no new backups start");
    } else if (status.lastSuccessfulBackup == null) {
      conditions.set(READY, true, Reasons.WAITING_FOR_FIRST_BACKUP,
          "valid; waiting for the first backup" + (status.nextBackup == null ? "" : " at " + status.nextBackup));
    } else {
      conditions.set(READY, true, Reasons.UP_TO_DATE, "valid; " + freshness
          + (status.nextBackup == null ? "" : "; next backup at " + status.nextBackup));
    }
  }
}
