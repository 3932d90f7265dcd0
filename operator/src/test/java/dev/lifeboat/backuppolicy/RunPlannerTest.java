package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.testing.Fixtures;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Whether a run starts now, decided from the policy, its persisted status and the time alone. */
class RunPlannerTest {
  static final String CREATED = "2025-11-08T10:00:00Z";

  final RunPlanner planner = new RunPlanner();
  final BackupPolicy policy = policyCreatedAt(CREATED);
  final BackupPolicyStatus status = new BackupPolicyStatus();

  static BackupPolicy policyCreatedAt(String rfc3339) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getMetadata().setCreationTimestamp(rfc3339);
    return policy;
  }

  static Instant at(String rfc3339) {
    return Instant.parse(rfc3339);
  }

  RunPlanner.Plan planAt(String now) {
    return planner.plan(policy, status, false, at(now));
  }

  static void trigger(BackupPolicy policy, String value) {
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = value;
  }

  @Test
  void theFirstSlotAfterCreationStartsAScheduledRunNamedByTheTimeNow() {
    RunPlanner.Plan plan = planAt("2025-11-09T02:00:05Z");

    assertThat(plan.run()).contains(new RunPlanner.Run(
        "20251109T020005Z", RunPlanner.Trigger.Scheduled, at("2025-11-09T02:00:00Z"), null));
    assertThat(plan.next()).contains(at("2025-11-10T02:00:00Z"));
  }

  @Test
  void aSlotBeforeCreationDoesNotRun() {
    // 2025-11-08T02:00Z is due by the clock, but the policy did not exist yet.
    RunPlanner.Plan plan = planAt("2025-11-08T12:00:00Z");

    assertThat(plan.run()).isEmpty();
    assertThat(plan.next()).contains(at("2025-11-09T02:00:00Z"));
  }

  @Test
  void aSlotAlreadyStartedDoesNotRunAgain() {
    status.lastScheduleTime = "2025-11-09T02:00:00Z";

    RunPlanner.Plan plan = planAt("2025-11-09T05:00:00Z");

    assertThat(plan.run()).isEmpty();
    assertThat(plan.next()).contains(at("2025-11-10T02:00:00Z"));
  }

  @Test
  void missedSlotsCollapseIntoOneRunForTheNewest() {
    status.lastScheduleTime = "2025-11-09T02:00:00Z";

    // Three slots (10th, 11th, 12th) passed while the operator was down.
    RunPlanner.Plan plan = planAt("2025-11-12T09:30:00Z");

    assertThat(plan.run()).contains(new RunPlanner.Run(
        "20251112T093000Z", RunPlanner.Trigger.Scheduled, at("2025-11-12T02:00:00Z"), null));
    assertThat(plan.next()).contains(at("2025-11-13T02:00:00Z"));

    // Once that run is recorded, the older missed slots do not start runs of their own.
    status.lastScheduleTime = "2025-11-12T02:00:00Z";
    assertThat(planAt("2025-11-12T09:31:00Z").run()).isEmpty();
  }

  @Test
  void anActiveRunMeansNoNewRunButTheNextSlotIsReported() {
    RunPlanner.Plan plan = planner.plan(policy, status, true, at("2025-11-09T02:00:05Z"));

    assertThat(plan.run()).isEmpty();
    assertThat(plan.next()).contains(at("2025-11-10T02:00:00Z"));
  }

  @Test
  void anActiveRunAlsoHoldsBackAPendingManualTrigger() {
    trigger(policy, "2025-11-08T12:00");

    RunPlanner.Plan plan = planner.plan(policy, status, true, at("2025-11-08T12:00:30Z"));

    assertThat(plan.run()).isEmpty();
    assertThat(plan.next()).contains(at("2025-11-09T02:00:00Z"));
  }

  @Test
  void aSuspendedPolicyHasNoRunAndNoNext() {
    policy.getSpec().suspend = true;
    trigger(policy, "2025-11-09T02:00");

    RunPlanner.Plan plan = planAt("2025-11-09T02:00:05Z");

    assertThat(plan.run()).isEmpty();
    assertThat(plan.next()).isEmpty();
  }

  @Test
  void aNewManualTriggerStartsAManualRunOutsideTheSchedule() {
    trigger(policy, "2025-11-08T12:00");

    RunPlanner.Plan plan = planAt("2025-11-08T12:00:30Z");

    assertThat(plan.run()).contains(new RunPlanner.Run(
        "20251108T120030Z", RunPlanner.Trigger.Manual, null, "2025-11-08T12:00"));
    assertThat(plan.next()).contains(at("2025-11-09T02:00:00Z"));
  }

  @Test
  void aManualTriggerAlreadyActedOnDoesNotRunAgain() {
    trigger(policy, "2025-11-08T12:00");
    status.lastManualTrigger = "2025-11-08T12:00";

    assertThat(planAt("2025-11-08T12:05:00Z").run()).isEmpty();
  }

  @Test
  void changingTheManualValueAgainStartsAnotherRun() {
    trigger(policy, "second");
    status.lastManualTrigger = "first";

    assertThat(planAt("2025-11-08T12:05:00Z").run()).map(RunPlanner.Run::manualValue).contains("second");
  }

  @Test
  void aBlankManualTriggerIsNotARequest() {
    trigger(policy, "");

    assertThat(planAt("2025-11-08T12:05:00Z").run()).isEmpty();
  }

  @Test
  void aManualTriggerAtADueSlotIsOneRunThatRecordsBoth() {
    trigger(policy, "before-upgrade");

    RunPlanner.Plan plan = planAt("2025-11-09T02:00:05Z");

    assertThat(plan.run()).contains(new RunPlanner.Run(
        "20251109T020005Z", RunPlanner.Trigger.Manual, at("2025-11-09T02:00:00Z"), "before-upgrade"));
  }

  @Test
  void theIdIsNudgedPastThePreviousIdWhenItWouldBeEqual() {
    status.lastScheduleTime = "2025-11-08T02:00:00Z";
    status.lastBackup = new BackupRun();
    status.lastBackup.id = "20251109T020005Z";
    status.lastBackup.phase = BackupPhase.Failed;

    assertThat(planAt("2025-11-09T02:00:05Z").run()).map(RunPlanner.Run::backupId).contains("20251109T020006Z");
  }

  @Test
  void theIdIsNudgedPastAPreviousIdFromTheFuture() {
    // A clock that went backwards must not reuse an id (and so a Job name).
    status.lastBackup = new BackupRun();
    status.lastBackup.id = "20251109T020059Z";

    assertThat(planAt("2025-11-09T02:00:05Z").run()).map(RunPlanner.Run::backupId).contains("20251109T020100Z");
  }

  @Test
  void anOlderPreviousIdLeavesTheIdAlone() {
    status.lastBackup = new BackupRun();
    status.lastBackup.id = "20251108T020000Z";

    assertThat(planAt("2025-11-09T02:00:05Z").run()).map(RunPlanner.Run::backupId).contains("20251109T020005Z");
  }

  @Test
  void theScheduleIsEvaluatedInThePolicyTimeZone() {
    policy.getSpec().timeZone = "Europe/Berlin";

    RunPlanner.Plan before = planAt("2025-11-09T00:59:59Z");
    RunPlanner.Plan plan = planAt("2025-11-09T01:00:03Z");

    assertThat(before.run()).isEmpty();
    assertThat(before.next()).contains(at("2025-11-09T01:00:00Z"));
    assertThat(plan.run()).map(RunPlanner.Run::slot).contains(at("2025-11-09T01:00:00Z"));
    assertThat(plan.next()).contains(at("2025-11-10T01:00:00Z"));
  }
}
