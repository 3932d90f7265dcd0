package dev.lifeboat.backuppolicy;

import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUPS_DAMAGED;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUP_OVERDUE;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.BACKUP_SUSPICIOUS;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.LAST_BACKUP_SUCCEEDED;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.READY;
import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.Alerts;
import dev.lifeboat.api.v1alpha1.BackupEntry;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.Problem;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The policy's conditions, computed from its persisted status and a fixed clock alone. */
class PolicyConditionsTest {
  static final long GENERATION = 3;
  static final Instant CREATED = Instant.parse("2025-11-08T10:00:00Z");
  static final String LAST_SUCCESS = "2025-11-09T02:00:41Z";
  static final String FIRST_ID = "20251109T020000Z";

  final PolicyConditions policyConditions = new PolicyConditions();
  final PolicyValidator validator = new PolicyValidator();
  final BackupPolicy policy = policy();
  final BackupPolicyStatus status = new BackupPolicyStatus();

  static BackupPolicy policy() {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getMetadata().setCreationTimestamp(CREATED.toString());
    policy.getMetadata().setGeneration(GENERATION);
    return policy;
  }

  /** The real validator's verdict on the spec as it is now; the claims fine. */
  PolicyConditions.Inputs inputs() {
    return new PolicyConditions.Inputs(validator.validate(policy.getSpec()), null);
  }

  Optional<Instant> evaluateAt(Instant now) {
    return policyConditions.evaluate(policy, status, inputs(), now);
  }

  Optional<Instant> evaluateAt(String now) {
    return evaluateAt(Instant.parse(now));
  }

  static BackupRun run(String id, BackupPhase phase, String message) {
    BackupRun run = new BackupRun();
    run.id = id;
    run.phase = phase;
    run.message = message;
    return run;
  }

  static BackupEntry entry(String id, long bytes) {
    BackupEntry entry = new BackupEntry();
    entry.id = id;
    entry.bytes = bytes;
    return entry;
  }

  static BackupEntry partial(String id) {
    BackupEntry entry = entry(id, 10);
    entry.partial = true;
    return entry;
  }

  void succeededAt(String completion) {
    status.lastBackup = run(FIRST_ID, BackupPhase.Succeeded, "stored 1048576 bytes");
    status.lastBackup.completionTime = completion;
    status.lastSuccessfulBackup = completion;
    status.backups = new ArrayList<>(List.of(entry(FIRST_ID, 1_048_576)));
  }

  Condition condition(String type) {
    return Conditions.find(status.conditions, type).orElseThrow(() -> new AssertionError("no condition " + type));
  }

  Map<String, String> transitionTimes() {
    return status.conditions.stream().collect(Collectors.toMap(Condition::getType, Condition::getLastTransitionTime));
  }

  // BackupOverdue

  @Test
  void backupOverdueFlipsExactlyMaxAgeAfterTheLastSuccessfulBackup() {
    succeededAt(LAST_SUCCESS);
    Instant maxAgeLater = Instant.parse(LAST_SUCCESS).plus(Duration.ofHours(26));

    Optional<Instant> wakeUp = evaluateAt(maxAgeLater);

    assertCondition(status.conditions, BACKUP_OVERDUE, "False", Reasons.WITHIN_MAX_AGE,
        "newest successful backup " + FIRST_ID + " finished " + LAST_SUCCESS
            + ", within alerts.maxAge 26h until 2025-11-10T04:00:41Z", GENERATION);
    assertThat(wakeUp).contains(maxAgeLater.plusMillis(1));

    // At the instant returned, and not a moment before, it is overdue.
    assertThat(evaluateAt(wakeUp.orElseThrow())).isEmpty();
    assertCondition(status.conditions, BACKUP_OVERDUE, "True", Reasons.OVERDUE,
        "(" + LAST_SUCCESS + "), older than alerts.maxAge 26h", GENERATION);
  }

  @Test
  void theWakeUpIsTheSameWhenEvaluatedEarlier() {
    succeededAt(LAST_SUCCESS);

    assertThat(evaluateAt("2025-11-09T03:00:00Z")).contains(Instant.parse("2025-11-10T04:00:41.001Z"));
    assertThat(evaluateAt("2025-11-10T04:00:00Z")).contains(Instant.parse("2025-11-10T04:00:41.001Z"));
    assertCondition(status.conditions, BACKUP_OVERDUE, "False", Reasons.WITHIN_MAX_AGE,
        "within alerts.maxAge 26h until 2025-11-10T04:00:41Z", GENERATION);
  }

  @Test
  void alertsMaxAgeSetsWhenBackupOverdueFlips() {
    policy.getSpec().alerts = new Alerts();
    policy.getSpec().alerts.maxAge = "2d";
    succeededAt(LAST_SUCCESS);

    assertThat(evaluateAt("2025-11-10T12:00:00Z")).contains(Instant.parse("2025-11-11T02:00:41.001Z"));
    assertCondition(status.conditions, BACKUP_OVERDUE, "False", Reasons.WITHIN_MAX_AGE, "within alerts.maxAge 2d",
        GENERATION);

    evaluateAt("2025-11-11T02:00:42Z");
    assertCondition(status.conditions, BACKUP_OVERDUE, "True", Reasons.OVERDUE, "older than alerts.maxAge 2d",
        GENERATION);
  }

  @Test
  void aPolicyNeverBackedUpGoesOverdueMaxAgeAfterItsCreation() {
    Instant maxAgeAfterCreation = CREATED.plus(Duration.ofHours(26));

    Optional<Instant> wakeUp = evaluateAt(maxAgeAfterCreation);

    assertCondition(status.conditions, BACKUP_OVERDUE, "False", Reasons.NO_BACKUP_YET,
        "no successful backup yet; overdue after 2025-11-09T12:00:00Z", GENERATION);
    assertThat(wakeUp).contains(maxAgeAfterCreation.plusMillis(1));

    assertThat(evaluateAt(wakeUp.orElseThrow())).isEmpty();
    assertCondition(status.conditions, BACKUP_OVERDUE, "True", Reasons.NEVER_BACKED_UP,
        "no successful backup since the policy was created 26h ago (alerts.maxAge 26h)", GENERATION);
  }

  // LastBackupSucceeded

  @Test
  void lastBackupSucceededIsUnknownBeforeAnyBackupRan() {
    evaluateAt("2025-11-08T11:00:00Z");

    assertCondition(status.conditions, LAST_BACKUP_SUCCEEDED, "Unknown", Reasons.NO_BACKUP_YET,
        "no backup has run yet", GENERATION);
  }

  @Test
  void lastBackupSucceededIsUnknownWhileTheFirstBackupRuns() {
    status.lastBackup = run(FIRST_ID, BackupPhase.Running, null);

    evaluateAt("2025-11-09T02:00:10Z");

    assertCondition(status.conditions, LAST_BACKUP_SUCCEEDED, "Unknown", Reasons.NO_BACKUP_YET,
        "the first backup is running", GENERATION);
  }

  @Test
  void lastBackupSucceededIsFalseNamingTheBackupAndTheAgentsError() {
    status.lastBackup = run(FIRST_ID, BackupPhase.Failed, "access denied to s3://backups/prod");

    evaluateAt("2025-11-09T02:05:00Z");

    assertCondition(status.conditions, LAST_BACKUP_SUCCEEDED, "False", Reasons.BACKUP_FAILED,
        "backup " + FIRST_ID + " failed: access denied to s3://backups/prod", GENERATION);
  }

  @Test
  void lastBackupSucceededIsTrueNamingTheBackupAndTheAgentsSummary() {
    succeededAt(LAST_SUCCESS);

    evaluateAt("2025-11-09T03:00:00Z");

    assertCondition(status.conditions, LAST_BACKUP_SUCCEEDED, "True", Reasons.BACKUP_SUCCEEDED,
        "backup " + FIRST_ID + " succeeded: stored 1048576 bytes", GENERATION);
  }

  @Test
  void aPartialBackupMakesLastBackupSucceededFalseNamingWhatWasLeftOut() {
    succeededAt(LAST_SUCCESS);
    status.lastBackup = run("20251110T020000Z", BackupPhase.PartiallyFailed,
        "PARTIAL: 1 left out: memory-data: pg: permission denied (owner uid 999, mode 0700), contents skipped");
    BackupEntry partial = entry("20251110T020000Z", 10);
    partial.partial = true;
    status.backups.add(0, partial);

    evaluateAt("2025-11-10T03:00:00Z");

    assertCondition(status.conditions, LAST_BACKUP_SUCCEEDED, "False", Reasons.PARTIALLY_FAILED,
        "backup 20251110T020000Z left data out: PARTIAL: 1 left out: memory-data: pg: permission denied (owner uid 999",
        GENERATION);
    assertCondition(status.conditions, BACKUP_SUSPICIOUS, "False", Reasons.SIZE_PLAUSIBLE,
        "newest backup " + FIRST_ID, GENERATION);
  }

  @Test
  void aPartialBackupDoesNotHoldOffBackupOverdue() {
    succeededAt(LAST_SUCCESS);
    status.lastBackup = run("20251110T020000Z", BackupPhase.PartiallyFailed, "PARTIAL: 1 left out");

    evaluateAt(Instant.parse(LAST_SUCCESS).plus(Duration.ofHours(26)).plusSeconds(1));

    assertCondition(status.conditions, BACKUP_OVERDUE, "True", Reasons.OVERDUE, "(" + LAST_SUCCESS + ")", GENERATION);
  }

  @Test
  void aBackupWithWarningsSucceedsSayingSo() {
    succeededAt(LAST_SUCCESS);
    status.lastBackup.warnings = List.of("memory-data: app.log: changed while reading (read twice)");
    status.lastBackup.message = "backed up 3 files; 1 warning(s): memory-data: app.log: changed while reading (read twice)";

    evaluateAt("2025-11-09T03:00:00Z");

    assertCondition(status.conditions, LAST_BACKUP_SUCCEEDED, "True", Reasons.SUCCEEDED_WITH_WARNINGS,
        "succeeded with warnings: backed up 3 files; 1 warning(s): memory-data: app.log", GENERATION);
  }

  @Test
  void aRunningBackupKeepsThePreviousOutcome() {
    status.lastBackup = run(FIRST_ID, BackupPhase.Failed, "access denied");
    evaluateAt("2025-11-09T02:05:00Z");

    status.lastBackup = run("20251110T020000Z", BackupPhase.Running, null);
    evaluateAt("2025-11-10T02:00:10Z");

    assertCondition(status.conditions, LAST_BACKUP_SUCCEEDED, "False", Reasons.BACKUP_FAILED,
        "backup " + FIRST_ID + " failed: access denied", GENERATION);
  }

  // BackupSuspicious

  @Test
  void backupSuspiciousIsUnknownWhileNoBackupSizeIsKnown() {
    evaluateAt("2025-11-08T11:00:00Z");

    assertCondition(status.conditions, BACKUP_SUSPICIOUS, "Unknown", Reasons.NO_BACKUP_YET, "no backup size known yet",
        GENERATION);
  }

  @Test
  void aBackupBelowTheDefaultMinSizeIsSuspicious() {
    succeededAt(LAST_SUCCESS);
    status.backups = new ArrayList<>(List.of(entry(FIRST_ID, 51_199)));

    evaluateAt("2025-11-09T03:00:00Z");

    assertCondition(status.conditions, BACKUP_SUSPICIOUS, "True", Reasons.BELOW_MIN_SIZE,
        "newest backup " + FIRST_ID + " is 51199 bytes, below alerts.minSize (51200 bytes)", GENERATION);
  }

  @Test
  void aBackupBelowAlertsMinSizeIsSuspicious() {
    policy.getSpec().alerts = new Alerts();
    policy.getSpec().alerts.minSize = new Quantity("1Mi");
    succeededAt(LAST_SUCCESS);
    status.backups = new ArrayList<>(List.of(entry(FIRST_ID, 1_000_000)));

    evaluateAt("2025-11-09T03:00:00Z");

    assertCondition(status.conditions, BACKUP_SUSPICIOUS, "True", Reasons.BELOW_MIN_SIZE,
        "below alerts.minSize (1048576 bytes)", GENERATION);
  }

  @Test
  void aBackupUnderTenPercentOfThePreviousOneIsSuspicious() {
    succeededAt("2025-11-10T02:00:41Z");
    status.backups = new ArrayList<>(List.of(entry("20251110T020000Z", 999_999), entry(FIRST_ID, 10_000_000)));

    evaluateAt("2025-11-10T03:00:00Z");

    assertCondition(status.conditions, BACKUP_SUSPICIOUS, "True", Reasons.SHRANK,
        "newest backup 20251110T020000Z is 999999 bytes, under 10% of the previous one (10000000 bytes)", GENERATION);
  }

  @Test
  void aBackupOfExactlyTenPercentOfThePreviousOneIsPlausible() {
    succeededAt("2025-11-10T02:00:41Z");
    status.backups = new ArrayList<>(List.of(entry("20251110T020000Z", 1_000_000), entry(FIRST_ID, 10_000_000)));

    evaluateAt("2025-11-10T03:00:00Z");

    assertCondition(status.conditions, BACKUP_SUSPICIOUS, "False", Reasons.SIZE_PLAUSIBLE,
        "newest backup 20251110T020000Z is 1000000 bytes", GENERATION);
  }

  @Test
  void aSecondShrunkenBackupInARowStaysSuspiciousAgainstTheLastGoodOne() {
    succeededAt("2025-11-11T02:00:41Z");
    BackupEntry shrunk = entry("20251110T020000Z", 200_000);
    shrunk.suspicious = true;
    BackupEntry again = entry("20251111T020000Z", 200_000);
    again.suspicious = true;
    status.backups = new ArrayList<>(List.of(again, shrunk, entry(FIRST_ID, 10_000_000)));

    evaluateAt("2025-11-11T03:00:00Z");

    assertCondition(status.conditions, BACKUP_SUSPICIOUS, "True", Reasons.SHRANK,
        "newest backup 20251111T020000Z is 200000 bytes", GENERATION);
  }

  // Ready

  @Test
  void readyIsFalseWithTheValidatorsMessageWhenTheSpecIsInvalid() {
    policy.getSpec().timeZone = "Mars/Olympus_Mons";
    policy.getSpec().retention.keepDaily = 0;

    evaluateAt("2025-11-08T11:00:00Z");

    String message = validator.validate(policy.getSpec()).message();
    assertThat(message).contains("spec.timeZone: 'Mars/Olympus_Mons'").contains("spec.retention");
    assertCondition(status.conditions, READY, "False", Reasons.INVALID_SPEC, message, GENERATION);
    // Alerting goes on for an invalid policy: that is exactly when data stops being backed up.
    assertCondition(status.conditions, BACKUP_OVERDUE, "False", Reasons.NO_BACKUP_YET, "overdue after",
        GENERATION);
  }

  @Test
  void anInvalidSpecTakesPrecedenceOverAClaimProblem() {
    policy.getSpec().schedule = "every night";
    var inputs = new PolicyConditions.Inputs(validator.validate(policy.getSpec()),
        new Problem(Reasons.CLAIM_NOT_FOUND, "PersistentVolumeClaim memory-data does not exist"));

    policyConditions.evaluate(policy, status, inputs, Instant.parse("2025-11-08T11:00:00Z"));

    assertCondition(status.conditions, READY, "False", Reasons.INVALID_SPEC, "spec.schedule: 'every night'",
        GENERATION);
  }

  @Test
  void readyIsFalseWithTheClaimProblemsReasonAndMessage() {
    succeededAt(LAST_SUCCESS);
    Problem missing = new Problem(Reasons.CLAIM_NOT_FOUND,
        "PersistentVolumeClaim memory-data named in spec.source.claims does not exist in namespace rose");
    var inputs = new PolicyConditions.Inputs(validator.validate(policy.getSpec()), missing);

    policyConditions.evaluate(policy, status, inputs, Instant.parse("2025-11-09T03:00:00Z"));

    Condition ready = assertCondition(status.conditions, READY, "False", Reasons.CLAIM_NOT_FOUND,
        "PersistentVolumeClaim memory-data named in spec.source.claims", GENERATION);
    assertThat(ready.getMessage()).isEqualTo(missing.message());
  }

  @Test
  void readyIsFalseOverdueWhenTheNewestBackupIsTooOld() {
    succeededAt(LAST_SUCCESS);

    evaluateAt("2025-11-10T12:00:00Z");

    assertCondition(status.conditions, READY, "False", Reasons.OVERDUE,
        "newest successful backup " + FIRST_ID + " is 33h59m old (" + LAST_SUCCESS + "), older than alerts.maxAge 26h", GENERATION);
  }

  @Test
  void readyOverdueWithoutAnySuccessSaysSoAndNamesNoBackup() {
    policy.getMetadata().setCreationTimestamp("2025-11-08T00:00:00Z");
    status.backups = List.of(partial("20251109T020000Z")); // only a partial one

    evaluateAt("2025-11-09T12:00:00Z");

    Condition ready = assertCondition(status.conditions, READY, "False", Reasons.OVERDUE,
        "no successful backup since the policy was created 36h ago (alerts.maxAge 26h)", GENERATION);
    assertThat(ready.getMessage()).doesNotContain("20251109T020000Z");
  }

  @Test
  void readyIsTrueSuspendedWhileSuspendedAndNotOverdue() {
    policy.getSpec().suspend = true;
    succeededAt(LAST_SUCCESS);

    evaluateAt("2025-11-09T12:00:00Z");

    assertCondition(status.conditions, READY, "True", Reasons.SUSPENDED, "suspended: no new backups start", GENERATION);
  }

  @Test
  void aSuspendedPolicyStillGoesOverdue() {
    policy.getSpec().suspend = true;
    succeededAt(LAST_SUCCESS);

    evaluateAt("2025-11-10T12:00:00Z");

    assertCondition(status.conditions, BACKUP_OVERDUE, "True", Reasons.OVERDUE, "older than alerts.maxAge", GENERATION);
    assertCondition(status.conditions, READY, "False", Reasons.OVERDUE, "older than alerts.maxAge", GENERATION);
  }

  @Test
  void readyIsTrueWaitingForTheFirstBackupNamingWhenItStarts() {
    status.nextBackup = "2025-11-09T02:00:00Z";

    evaluateAt("2025-11-08T11:00:00Z");

    assertCondition(status.conditions, READY, "True", Reasons.WAITING_FOR_FIRST_BACKUP,
        "valid; waiting for the first backup at 2025-11-09T02:00:00Z", GENERATION);
  }

  @Test
  void readyIsTrueUpToDateAfterAFreshBackup() {
    succeededAt(LAST_SUCCESS);

    evaluateAt("2025-11-09T03:00:00Z");

    status.backups = List.of(partial("20251109T040000Z"), entry(FIRST_ID, 1_048_576));
    status.nextBackup = "2025-11-10T02:00:00Z";

    evaluateAt("2025-11-09T05:00:41Z");

    assertCondition(status.conditions, READY, "True", Reasons.UP_TO_DATE, "valid; newest successful backup"
        + " 20251109T020000Z finished " + LAST_SUCCESS + ", within alerts.maxAge 26h until 2025-11-10T04:00:41Z;"
        + " next backup at 2025-11-10T02:00:00Z", GENERATION);
  }

  // lastTransitionTime

  @Test
  void lastTransitionTimeStaysWhileTheStatusStaysTheSame() {
    succeededAt(LAST_SUCCESS);
    evaluateAt("2025-11-09T03:00:00Z");
    Map<String, String> first = transitionTimes();
    assertThat(first).containsOnlyKeys(READY, BACKUP_OVERDUE, LAST_BACKUP_SUCCEEDED, BACKUP_SUSPICIOUS, BACKUPS_DAMAGED)
        .allSatisfy((type, time) -> assertThat(time).isEqualTo("2025-11-09T03:00:00Z"));

    policy.getMetadata().setGeneration(GENERATION + 1);
    evaluateAt("2025-11-09T20:00:00Z");

    assertThat(transitionTimes()).isEqualTo(first);
    // observedGeneration is refreshed all the same.
    assertCondition(status.conditions, BACKUP_OVERDUE, "False", Reasons.WITHIN_MAX_AGE, "within alerts.maxAge 26h",
        GENERATION + 1);
    assertThat(status.conditions).hasSize(5);
  }

  @Test
  void lastTransitionTimeMovesWhenTheStatusFlips() {
    succeededAt(LAST_SUCCESS);
    evaluateAt("2025-11-09T03:00:00Z");

    evaluateAt("2025-11-10T12:00:00Z");

    Map<String, String> times = transitionTimes();
    assertThat(times).containsEntry(BACKUP_OVERDUE, "2025-11-10T12:00:00Z")
        .containsEntry(READY, "2025-11-10T12:00:00Z")
        .containsEntry(LAST_BACKUP_SUCCEEDED, "2025-11-09T03:00:00Z")
        .containsEntry(BACKUP_SUSPICIOUS, "2025-11-09T03:00:00Z");
  }
}
