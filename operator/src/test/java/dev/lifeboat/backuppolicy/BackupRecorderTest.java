package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.common.JobOutcomeReader;
import static dev.lifeboat.testing.Outcomes.succeededWithWarnings;
import static dev.lifeboat.testing.Outcomes.partial;
import static dev.lifeboat.testing.Outcomes.completionOf;
import static dev.lifeboat.testing.Outcomes.failed;
import static dev.lifeboat.testing.Outcomes.idAt;
import static dev.lifeboat.testing.Outcomes.retention;
import static dev.lifeboat.testing.Outcomes.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lifeboat.api.v1alpha1.BackupEntry;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.DailyRuns;
import dev.lifeboat.api.v1alpha1.RecentRuns;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.retention.RetentionRules;
import dev.lifeboat.testing.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackupRecorderTest {
  static final RetentionRules FIXTURE_RULES = PolicyRetention.rules(Fixtures.dailyPolicy().getSpec().retention);
  static final Instant NOW = Instant.parse("2025-11-09T12:00:00Z");

  final BackupRecorder recorder = new BackupRecorder();
  final BackupPolicyStatus status = new BackupPolicyStatus();

  static RetentionRules keep(int last, int daily) {
    return new RetentionRules(last, 0, daily, 0, 0, 0, Set.of());
  }

  static List<String> ids(BackupPolicyStatus status) {
    return status.backups.stream().map(b -> b.id).toList();
  }

  /** Records successful runs started at the given UTC times, in order, with nothing pruned. */
  void recordSuccesses(RetentionRules rules, String... starts) {
    for (String start : starts) {
      recorder.finished(status, succeeded(idAt(start), 1_000_000), rules, NOW);
    }
  }

  @Test
  void backupsStayNewestFirstAndAreCappedAt100WhileTheCountStaysExact() {
    RetentionRules keepAYear = keep(0, 365);
    Instant first = Instant.parse("2025-01-01T02:00:00Z");
    for (int day = 0; day < 105; day++) {
      String id = idAt(first.plusSeconds(86_400L * day).toString());
      recorder.finished(status, succeeded(id, 1_000_000, retention(day + 1, 0)), keepAYear, NOW);
    }

    assertThat(status.backups).hasSize(100);
    assertThat(ids(status).get(0)).isEqualTo("20250415T020000Z");
    assertThat(ids(status).get(99)).isEqualTo("20250106T020000Z");
    assertThat(ids(status)).isSortedAccordingTo((a, b) -> b.compareTo(a)).doesNotHaveDuplicates();
    assertThat(status.retention.kept).isEqualTo(105);
    assertThat(status.lastSuccessfulBackup).isEqualTo("2025-04-15T02:00:41Z");
  }

  @Test
  void anOlderRunRecordedLateIsSortedIntoPlace() {
    recordSuccesses(FIXTURE_RULES, "2025-11-07T02:00:00Z", "2025-11-09T02:00:00Z", "2025-11-08T02:00:00Z");

    assertThat(ids(status)).containsExactly("20251109T020000Z", "20251108T020000Z", "20251107T020000Z");
    assertThat(status.lastSuccessfulBackup).isEqualTo("2025-11-09T02:00:41Z");
  }

  @Test
  void idsTheAgentPrunedAreRemoved() {
    RetentionRules keep3 = keep(0, 3);
    recordSuccesses(keep3, "2025-11-06T02:00:00Z", "2025-11-07T02:00:00Z", "2025-11-08T02:00:00Z");

    recorder.finished(status, succeeded("20251109T020000Z", 1_000_000, retention(3, 1, "20251106T020000Z")), keep3, NOW);

    assertThat(ids(status)).containsExactly("20251109T020000Z", "20251108T020000Z", "20251107T020000Z");
    assertThat(status.retention.kept).isEqualTo(3);
    assertThat(status.retention.prunedLastRun).isEqualTo(1);
  }

  @Test
  void whenThePrunedListWasTrimmedTheSelectorsVerdictRemovesTheRest() {
    RetentionRules keepLast2 = keep(2, 0);
    // Earlier runs left no retention report, so nothing was dropped then.
    recordSuccesses(keepLast2, "2025-11-06T02:00:00Z", "2025-11-07T02:00:00Z", "2025-11-08T02:00:00Z");
    assertThat(status.backups).hasSize(3);

    // Two were pruned, but only one id fitted into the termination message.
    recorder.finished(status, succeeded("20251109T020000Z", 1_000_000, retention(2, 2, "20251106T020000Z")), keepLast2, NOW);

    assertThat(ids(status)).containsExactly("20251109T020000Z", "20251108T020000Z");
  }

  @Test
  void keptByNamesTheRulesThatKeepEachBackup() {
    recordSuccesses(keep(2, 7), "2025-11-07T02:00:00Z", "2025-11-08T02:00:00Z", "2025-11-09T02:00:00Z",
        "2025-11-09T14:00:00Z");

    assertThat(status.backups).extracting(b -> b.id, b -> b.keptBy).containsExactly(
        tuple("20251109T140000Z", List.of("last", "daily")),
        tuple("20251109T020000Z", List.of("last")),
        tuple("20251108T020000Z", List.of("daily")),
        tuple("20251107T020000Z", List.of("daily")));
  }

  @Test
  void aBackupEntryCarriesTheIdCompletionTimeAndBytes() {
    recorder.finished(status, succeeded("20251109T020000Z", 812_345), FIXTURE_RULES, NOW);

    BackupEntry entry = status.backups.get(0);
    assertThat(entry.id).isEqualTo("20251109T020000Z");
    assertThat(entry.time).isEqualTo("2025-11-09T02:00:41Z");
    assertThat(entry.bytes).isEqualTo(812_345L);
    assertThat(entry.suspicious).isNull();
    assertThat(entry.keptBy).containsExactly("daily");
  }

  @Test
  void withoutAReportTheRetentionSummaryIsComputedFromTheList() {
    recorder.finished(status, succeeded("20251108T020000Z", 100), FIXTURE_RULES, NOW);
    recorder.finished(status, succeeded("20251109T020000Z", 250), FIXTURE_RULES, NOW);

    assertThat(status.retention.kept).isEqualTo(2);
    assertThat(status.retention.prunedLastRun).isZero();
    assertThat(status.retention.oldest).isEqualTo("2025-11-08T02:00:41Z");
    assertThat(status.retention.newest).isEqualTo("2025-11-09T02:00:41Z");
    assertThat(status.retention.bytes).isEqualTo(350L);
  }

  @Test
  void recentCountsDropDaysOlderThanSevenUtcDays() {
    status.recent = new RecentRuns();
    status.recent.days = new ArrayList<>(List.of(
        new DailyRuns("2025-11-02", 1, 0),
        new DailyRuns("2025-11-03", 1, 1),
        new DailyRuns("2025-11-09", 2, 0)));

    recorder.refreshRecent(status, Instant.parse("2025-11-09T23:59:59Z"));

    assertThat(status.recent.days).extracting(d -> d.day).containsExactly("2025-11-03", "2025-11-09");
    assertThat(status.recent.succeeded).isEqualTo(3);
    assertThat(status.recent.failed).isEqualTo(1);
    assertThat(status.recent.window).isEqualTo("7d");

    // One second later it is 2025-11-10 in UTC and 2025-11-03 falls out of the window.
    recorder.refreshRecent(status, Instant.parse("2025-11-10T00:00:00Z"));

    assertThat(status.recent.days).extracting(d -> d.day).containsExactly("2025-11-09");
    assertThat(status.recent.succeeded).isEqualTo(2);
    assertThat(status.recent.failed).isZero();
  }

  @Test
  void finishedRunsAreCountedOnTheirUtcCompletionDay() {
    recordSuccesses(FIXTURE_RULES, "2025-11-08T02:00:00Z", "2025-11-09T02:00:00Z");
    recorder.finished(status, failed("20251109T140000Z", "bucket backups does not exist"), FIXTURE_RULES, NOW);

    recorder.refreshRecent(status, NOW);

    assertThat(status.recent.days).extracting(d -> d.day, d -> d.succeeded, d -> d.failed).containsExactly(
        tuple("2025-11-08", 1, 0),
        tuple("2025-11-09", 1, 1));
    assertThat(status.recent.succeeded).isEqualTo(2);
    assertThat(status.recent.failed).isEqualTo(1);
  }

  @Test
  void aFailureDoesNotTouchLastSuccessfulBackupOrTheBackupList() {
    recordSuccesses(FIXTURE_RULES, "2025-11-08T02:00:00Z");
    var retentionBefore = status.retention;

    recorder.finished(status, failed("20251109T020000Z", "bucket backups does not exist"), FIXTURE_RULES, NOW);

    assertThat(status.lastSuccessfulBackup).isEqualTo("2025-11-08T02:00:41Z");
    assertThat(ids(status)).containsExactly("20251108T020000Z");
    assertThat(status.retention).isSameAs(retentionBefore);
    assertThat(status.lastBackup.id).isEqualTo("20251109T020000Z");
    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Failed);
    assertThat(status.lastBackup.message).isEqualTo("bucket backups does not exist");
    assertThat(status.lastBackup.completionTime).isEqualTo(completionOf("20251109T020000Z"));
  }

  @Test
  void aPartialBackupIsListedForInspectionButNeverCountsAsGood() {
    recordSuccesses(FIXTURE_RULES, "2025-11-08T02:00:00Z");

    recorder.finished(status, partial("20251109T020000Z", 900_000, "memory-data: pg: permission denied (owner uid 999, mode 0700), contents skipped"),
        FIXTURE_RULES, NOW);

    assertThat(status.lastSuccessfulBackup).as("BackupOverdue counts from the last good backup").isEqualTo("2025-11-08T02:00:41Z");
    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.PartiallyFailed);
    assertThat(status.lastBackup.leftOut).singleElement().asString().contains("owner uid 999");
    assertThat(ids(status)).containsExactly("20251109T020000Z", "20251108T020000Z");
    assertThat(status.backups.get(0).partial).isTrue();
    assertThat(status.backups.get(0).keptBy).containsExactly("partial");
    assertThat(status.backups.get(1).keptBy).as("the good backup keeps its place").containsExactly("daily");
    recorder.refreshRecent(status, NOW);
    assertThat(status.recent.failed).as("a partial run is not a success in the 7-day counts").isEqualTo(1);
    assertThat(status.recent.succeeded).isEqualTo(1);
  }

  @Test
  void aPartialBackupNeverTakesARetentionSlotFromAGoodOne() {
    RetentionRules keepTwo = keep(2, 0);
    recordSuccesses(keepTwo, "2025-11-07T02:00:00Z");
    recorder.finished(status, partial("20251108T020000Z", 900_000, "memory-data: key: permission denied"), keepTwo, NOW);
    recordSuccesses(keepTwo, "2025-11-09T02:00:00Z");

    assertThat(status.backups).filteredOn(b -> b.partial == null).extracting(b -> b.id)
        .containsExactly("20251109T020000Z", "20251107T020000Z");
    assertThat(status.backups).filteredOn(b -> b.partial == null)
        .allSatisfy(b -> assertThat(b.keptBy).contains("last"));
  }

  @Test
  void warningsOfASuccessfulBackupAreKeptInStatus() {
    recorder.finished(status, succeededWithWarnings("20251109T020000Z", 900_000, "memory-data: app.log: changed while reading (read twice)"),
        FIXTURE_RULES, NOW);

    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Succeeded);
    assertThat(status.lastBackup.warnings).singleElement().asString().contains("app.log");
    assertThat(status.lastSuccessfulBackup).isNotNull();
  }

  @Test
  void eachDumpOfARunIsListedInLastBackupWithItsSizes() {
    var plain = succeeded("20251109T020000Z", 900_000);
    var result = plain.result().withDumps(List.of(new AgentResult.Dump("tzurot-db", 1_200L, 6_888_896L, 2.5)));
    recorder.finished(status, new JobOutcomeReader.Outcome(plain.backupId(), plain.jobName(),
        plain.phase(), result, plain.message(), plain.startTime(), plain.completionTime()), FIXTURE_RULES, NOW);

    assertThat(status.lastBackup.dumps).singleElement().satisfies(dump -> {
      assertThat(dump.name).isEqualTo("tzurot-db");
      assertThat(dump.size).isEqualTo(1_200L);
      assertThat(dump.bytes).isEqualTo(6_888_896L);
      assertThat(dump.seconds).isEqualTo(2.5);
    });
    recorder.finished(status, succeeded("20251110T020000Z", 900_000), FIXTURE_RULES, NOW);
    assertThat(status.lastBackup.dumps).as("a run without dumps shows none").isNull();
  }

  @Test
  void aSuccessThatCompletedEarlierDoesNotMoveLastSuccessfulBackupBack() {
    recordSuccesses(FIXTURE_RULES, "2025-11-09T02:00:00Z", "2025-11-08T02:00:00Z");

    assertThat(status.lastSuccessfulBackup).isEqualTo("2025-11-09T02:00:41Z");
  }

  @Test
  void startedRecordsTheRunningRunItsSlotAndTheManualValue() {
    var run = new RunPlanner.Run("20251109T020005Z", RunPlanner.Trigger.Manual, Instant.parse("2025-11-09T02:00:00Z"),
        "before-upgrade");

    recorder.started(status, run, "rose-memory-20251109t020005z", Instant.parse("2025-11-09T02:00:07Z"));

    assertThat(status.lastBackup.id).isEqualTo("20251109T020005Z");
    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Running);
    assertThat(status.lastBackup.startTime).isEqualTo("2025-11-09T02:00:07Z");
    assertThat(status.lastBackup.job).isEqualTo("rose-memory-20251109t020005z");
    assertThat(status.lastBackup.message).isEqualTo("manual backup started");
    assertThat(status.lastScheduleTime).isEqualTo("2025-11-09T02:00:00Z");
    assertThat(status.lastManualTrigger).isEqualTo("before-upgrade");
  }

  @Test
  void finishingKeepsTheStartTimeRecordedWhenTheRunStarted() {
    var run = new RunPlanner.Run("20251109T020005Z", RunPlanner.Trigger.Scheduled, Instant.parse("2025-11-09T02:00:00Z"), null);
    recorder.started(status, run, "rose-memory-20251109t020005z", Instant.parse("2025-11-09T02:00:07Z"));

    recorder.finished(status, succeeded("20251109T020005Z", 1_000), FIXTURE_RULES, NOW);

    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Succeeded);
    assertThat(status.lastBackup.startTime).isEqualTo("2025-11-09T02:00:07Z");
    assertThat(status.lastBackup.completionTime).isEqualTo("2025-11-09T02:00:46Z");
    assertThat(status.lastBackup.bytes).isEqualTo(1_000L);
    assertThat(status.lastBackup.files).isEqualTo(3L);
  }

  @Test
  void aRunIsRecordedOnceFinishedOrSuperseded() {
    var run = new RunPlanner.Run("20251109T020005Z", RunPlanner.Trigger.Scheduled, null, null);
    recorder.started(status, run, "rose-memory-20251109t020005z", NOW);

    assertThat(recorder.isRecorded(status, "20251109T020005Z")).isFalse();
    assertThat(recorder.isRecorded(status, "20251108T020000Z")).isTrue();
    assertThat(recorder.isRecorded(status, "20251110T020000Z")).isFalse();

    recorder.finished(status, succeeded("20251109T020005Z", 1_000), FIXTURE_RULES, NOW);

    assertThat(recorder.isRecorded(status, "20251109T020005Z")).isTrue();
    assertThat(recorder.isRecorded(new BackupPolicyStatus(), "20251109T020005Z")).isFalse();
  }

  @Test
  void aStatusThatAlreadyListsABackupTwiceIsRepairedInsteadOfFailing() {
    BackupPolicyStatus status = new BackupPolicyStatus();
    dev.lifeboat.api.v1alpha1.BackupEntry twice = new dev.lifeboat.api.v1alpha1.BackupEntry();
    twice.id = "20251101T020000Z";
    twice.time = "2025-11-01T02:00:40Z";
    twice.bytes = 1000L;
    status.backups = new java.util.ArrayList<>(java.util.List.of(twice, twice));
    var outcome = new JobOutcomeReader.Outcome("20251102T020000Z", "job", BackupPhase.Succeeded, null, "ok", null,
        "2025-11-02T02:00:40Z");

    new BackupRecorder().finished(status, outcome, dev.lifeboat.retention.RetentionRules.parse("keepDaily=7",
        java.util.List.of()), java.time.Instant.parse("2025-11-02T02:01:00Z"));

    org.assertj.core.api.Assertions.assertThat(status.backups).extracting(b -> b.id)
        .containsExactly("20251102T020000Z", "20251101T020000Z");
  }

  static AgentResult.Retention damaged(Integer count, DamagedBackup... found) {
    return new AgentResult.Retention(1, 0, List.of(), null, null, null, null, null,
        found.length == 0 ? null : List.of(found), count, null);
  }

  static final DamagedBackup CORRUPT = new DamagedBackup("20251102T020000Z",
      "prod/rose/rose-memory/20251102T020000Z/manifest.json is not valid JSON (Unexpected end-of-input)");
  static final DamagedBackup FUTURE = new DamagedBackup("20251105T020000Z",
      "prod/rose/rose-memory/20251105T020000Z/manifest.json has formatVersion 2; this agent reads 1: upgrade Lifeboat");

  @Test
  void eachRunReplacesTheDamagedBackupsWithWhatItFoundKeepingWhenEachWasFirstSeen() {
    recorder.finished(status, succeeded("20251108T020000Z", 1_000_000, damaged(1, CORRUPT)), FIXTURE_RULES, NOW);
    assertThat(status.damagedBackups).extracting(d -> d.id, d -> d.problem, d -> d.firstSeen)
        .containsExactly(tuple(CORRUPT.id(), CORRUPT.problem(), "2025-11-09T12:00:00Z"));

    Instant later = NOW.plusSeconds(86_400);
    recorder.finished(status, succeeded("20251109T020000Z", 1_000_000, damaged(2, CORRUPT, FUTURE)), FIXTURE_RULES, later);
    assertThat(status.damagedBackups).as("newest first").extracting(d -> d.id, d -> d.firstSeen).containsExactly(
        tuple(FUTURE.id(), "2025-11-10T12:00:00Z"), tuple(CORRUPT.id(), "2025-11-09T12:00:00Z"));

    recorder.finished(status, succeeded("20251110T020000Z", 1_000_000, damaged(null)), FIXTURE_RULES, later);
    assertThat(status.damagedBackups).as("repaired or deleted by hand").isEmpty();
  }

  @Test
  void aRunThatDidNotReadTheRepositoryLeavesTheDamagedBackupsAsTheyWere() {
    recorder.finished(status, succeeded("20251108T020000Z", 1_000_000, damaged(1, CORRUPT)), FIXTURE_RULES, NOW);

    recorder.finished(status, failed("20251109T020000Z", "access denied to bucket backups"), FIXTURE_RULES, NOW);
    recorder.finished(status, partial("20251110T020000Z", 900_000, "memory-data: broken.db"), FIXTURE_RULES, NOW);

    assertThat(status.damagedBackups).extracting(d -> d.id).containsExactly(CORRUPT.id());
  }

  @Test
  void damagedBackupsTheAgentTrimmedFromItsResultStayListed() {
    recorder.finished(status, succeeded("20251108T020000Z", 1_000_000, damaged(2, CORRUPT, FUTURE)), FIXTURE_RULES, NOW);

    recorder.finished(status, succeeded("20251109T020000Z", 1_000_000, damaged(2, FUTURE)), FIXTURE_RULES, NOW);

    assertThat(status.damagedBackups).extracting(d -> d.id).containsExactly(FUTURE.id(), CORRUPT.id());
  }
}
