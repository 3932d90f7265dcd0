package dev.lifeboat.backuppolicy;

import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import dev.lifeboat.common.Times;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The BackupPolicy controller against the mock API server in CRUD mode, on a clock the test moves. */
class BackupPolicyReconcilerTest extends ControllerTest {

  /** The first 02:00 (in the policy's zone) after the policy was created; the tests count from it. */
  Instant firstSlot;
  Instant created;

  BackupPolicy apply(Consumer<BackupPolicy> change) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    change.accept(policy);
    BackupPolicy created = harness.create(policy);
    this.created = clock.instant();
    ZoneId zone = ZoneId.getAvailableZoneIds().contains(policy.getSpec().timeZone) ? ZoneId.of(policy.getSpec().timeZone) : ZoneOffset.UTC;
    ZonedDateTime local = clock.instant().atZone(zone);
    ZonedDateTime slot = local.toLocalDate().atTime(2, 0).atZone(zone);
    firstSlot = (slot.toInstant().isAfter(clock.instant()) ? slot : slot.plusDays(1)).toInstant();
    return created;
  }

  /** UTC time of day {@code hhmmss} on the first slot's UTC date plus {@code days}. */
  Instant at(int days, String hhmmss) {
    return firstSlot.atZone(ZoneOffset.UTC).toLocalDate().plusDays(days).atTime(LocalTime.parse(hhmmss))
        .toInstant(ZoneOffset.UTC);
  }

  Optional<Duration> reconcileAt(Instant instant) {
    clock.set(instant);
    return harness.reconcile(NAMESPACE, POLICY);
  }

  static String id(Instant instant) {
    return Times.backupId(instant);
  }

  BackupPolicy policy() {
    return harness.get(NAMESPACE, POLICY);
  }

  List<Job> jobs() {
    return harness.jobs(NAMESPACE);
  }

  static AgentResult success(String id, long bytes) {
    return new AgentResult(1, "backup", id, BackupPhase.Succeeded, null, null, bytes, 42L,
        "sha256:" + "ab".repeat(32), 3.5, false, "backed up 42 files, " + bytes + " bytes",
        new AgentResult.Retention(1, 0, List.of(), null, null, bytes, null));
  }

  /** Runs one scheduled backup to success at the given instant and records it. */
  void succeedAt(Instant instant, long bytes) {
    reconcileAt(instant);
    Job job = jobs().stream().filter(j -> !JobOutcomeReader.finished(j)).findFirst().orElseThrow();
    harness.finishJob(job, true, success(JobOutcomeReader.backupId(job), bytes), null);
    reconcileAt(instant.plusSeconds(60));
  }

  @Test
  void reconcilingAnUnchangedPolicyWritesNothing() throws InterruptedException {
    apply(p -> {});
    succeedAt(at(0, "02:00:00"), 2048);
    reconcileAt(at(0, "03:00:00")); // settles: the Job of the recorded run is gone
    String version = policy().getMetadata().getResourceVersion();
    // The server counts every request it ever received; those taken before are not taken again.
    for (int i = server.getRequestCount(); i > 0; i--) {
      server.takeRequest(); // what came before
    }
    int before = server.getRequestCount();

    reconcileAt(at(0, "04:00:00"));

    // No status write, no Event, no Job or pod touched: an operator watching many idle policies
    // costs the API server reads only.
    List<String> writes = new ArrayList<>();
    for (int i = server.getRequestCount() - before; i > 0; i--) {
      var request = server.takeRequest();
      if (!"GET".equals(request.getMethod())) {
        writes.add(request.getMethod() + " " + request.getPath());
      }
    }
    assertThat(writes).isEmpty();
    assertThat(policy().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void firstJobAtTwoInTheMorningAndNotASecondBefore() {
    apply(p -> {});
    Optional<Duration> wait = reconcileAt(at(0, "01:59:59"));
    assertThat(jobs()).isEmpty();
    assertThat(policy().getStatus().nextBackup).isEqualTo(Times.rfc3339(at(0, "02:00:00")));
    assertThat(wait).contains(Duration.ofSeconds(1));

    reconcileAt(at(0, "02:00:00"));
    assertThat(jobs()).extracting(job -> job.getMetadata().getName()).containsExactly("rose-memory-" + id(at(0, "02:00:00")).toLowerCase());
    assertThat(policy().getStatus().lastBackup.phase).isEqualTo(BackupPhase.Running);
    assertThat(policy().getStatus().nextBackup).isEqualTo(Times.rfc3339(at(1, "02:00:00")));
  }

  @Test
  void timeZoneShiftsTheRunToTwoInTheMorningLocalTime() {
    apply(p -> p.getSpec().timeZone = "Europe/Berlin");
    // 02:00 in Berlin is 01:00 UTC in winter, 00:00 UTC in summer
    assertThat(firstSlot.atZone(ZoneOffset.UTC).getHour()).isIn(0, 1);
    reconcileAt(firstSlot.minusSeconds(1));
    assertThat(jobs()).isEmpty();
    assertThat(policy().getStatus().nextBackup).isEqualTo(Times.rfc3339(firstSlot));
    reconcileAt(firstSlot);
    assertThat(jobs()).hasSize(1);
  }

  @Test
  void reconcilingTwiceAtTheSameInstantCreatesOneJob() {
    apply(p -> {});
    clock.set(at(0, "02:00:00"));
    BackupPolicy stale = policy();
    harness.reconcile(stale);
    harness.reconcile(stale); // the informer cache has not seen the status write yet
    harness.reconcile(NAMESPACE, POLICY);
    assertThat(jobs()).hasSize(1);
  }

  @Test
  void completedJobFillsStatusAndRecordsAnEvent() {
    apply(p -> {});
    reconcileAt(at(0, "02:00:00"));
    Job job = jobs().get(0);
    harness.finishJob(job, true, success(id(at(0, "02:00:00")), 812_345L), null);
    reconcileAt(at(0, "02:00:41"));

    var status = policy().getStatus();
    assertThat(status.lastBackup.id).isEqualTo(id(at(0, "02:00:00")));
    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Succeeded);
    assertThat(status.lastBackup.bytes).isEqualTo(812_345L);
    assertThat(status.lastBackup.files).isEqualTo(42L);
    assertThat(status.lastBackup.checksum).startsWith("sha256:");
    assertThat(status.lastSuccessfulBackup).isEqualTo(Times.rfc3339(at(0, "02:00:00")));
    assertThat(status.nextBackup).isEqualTo(Times.rfc3339(at(1, "02:00:00")));
    assertThat(status.backups).singleElement().satisfies(b -> {
      assertThat(b.id).isEqualTo(id(at(0, "02:00:00")));
      assertThat(b.keptBy).contains("daily");
    });
    assertThat(status.retention.kept).isEqualTo(1);
    assertThat(status.recent.succeeded).isEqualTo(1);
    assertThat(status.recent.failed).isZero();
    assertThat(status.recent.window).isEqualTo("7d");
    assertThat(status.observedGeneration).isEqualTo(policy().getMetadata().getGeneration());
    assertCondition(status.conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED, Conditions.TRUE, Reasons.BACKUP_SUCCEEDED,
        "backup " + id(at(0, "02:00:00")) + " succeeded", 1L);
    assertCondition(status.conditions, ConditionTypes.READY, Conditions.TRUE, Reasons.UP_TO_DATE,
        "valid; newest successful backup " + id(at(0, "02:00:00")) + " finished ", 1L);
    assertThat(events()).extracting(Event::getReason).contains(Reasons.BACKUP_STARTED, Reasons.BACKUP_SUCCEEDED);
  }

  @Test
  void failedJobSetsLastBackupSucceededFalseWithTheAgentsMessage() {
    apply(p -> {});
    reconcileAt(at(0, "02:00:00"));
    AgentResult failure = new AgentResult(1, "backup", id(at(0, "02:00:00")), BackupPhase.Failed, null, null, null, null,
        null, 1.0, null, "s3://backups/prod: access denied (HTTP 403): check the credentials Secret", null);
    harness.finishJob(jobs().get(0), false, failure, null);
    reconcileAt(at(0, "02:01:00"));

    var status = policy().getStatus();
    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Failed);
    assertCondition(status.conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED, Conditions.FALSE, Reasons.BACKUP_FAILED,
        "backup " + id(at(0, "02:00:00")) + " failed: s3://backups/prod: access denied (HTTP 403)", 1L);
    assertThat(status.lastSuccessfulBackup).isNull();
    assertThat(status.recent.failed).isEqualTo(1);
    assertThat(events()).filteredOn(e -> Reasons.BACKUP_FAILED.equals(e.getReason()))
        .singleElement().satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).contains("access denied");
        });
  }

  @Test
  void aJobDeletedWhileRunningEndsTheRunAsFailedAndTheNextRunCanStart() {
    apply(p -> {});
    reconcileAt(at(0, "02:00:00"));
    client.batch().v1().jobs().inNamespace(NAMESPACE).delete();
    reconcileAt(at(0, "02:10:00"));
    var status = policy().getStatus();
    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Failed);
    assertThat(status.lastBackup.message).contains("disappeared");
    reconcileAt(at(1, "02:00:00"));
    assertThat(jobs()).hasSize(1);
  }

  @Test
  void failedJobWithoutAResultReportsWhatKubernetesSaw() {
    apply(p -> {});
    reconcileAt(at(0, "02:00:00"));
    harness.finishJob(jobs().get(0), false, null, "java.lang.OutOfMemoryError: Java heap space\n");
    reconcileAt(at(0, "02:01:00"));
    assertThat(policy().getStatus().lastBackup.message).isEqualTo("java.lang.OutOfMemoryError: Java heap space");
  }

  @Test
  void backupOverdueFlipsExactlyAt26HoursAndClearsAfterTheNextSuccess() {
    apply(p -> {});
    succeedAt(at(0, "02:00:00"), 500_000);
    // completion was recorded at 02:00:00 (the Job's completion time on the test clock)
    Optional<Duration> wait = reconcileAt(at(1, "03:59:59"));
    assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE, Conditions.FALSE, Reasons.WITHIN_MAX_AGE,
        "within alerts.maxAge 26h", 1L);
    assertThat(wait).as("wakes for the flip").contains(Duration.ofSeconds(1).plusMillis(1));

    reconcileAt(at(1, "04:00:00"));
    assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE, Conditions.FALSE, null,
        "within alerts.maxAge 26h", 1L);
    reconcileAt(at(1, "04:00:01"));
    var overdue = assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE, Conditions.TRUE,
        Reasons.OVERDUE, "(" + Times.rfc3339(at(0, "02:00:00")) + "), older than alerts.maxAge 26h", 1L);
    assertThat(overdue.getLastTransitionTime()).isEqualTo(Times.rfc3339(at(1, "04:00:01")));
    assertCondition(policy().getStatus().conditions, ConditionTypes.READY, Conditions.FALSE, Reasons.OVERDUE,
        "older than alerts.maxAge", 1L);
    reconcileAt(at(1, "04:00:30"));
    assertThat(events()).filteredOn(e -> Reasons.OVERDUE.equals(e.getReason())).as("one Event for the flip")
        .singleElement().satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).startsWith("BackupOverdue True: newest successful backup");
        });

    // the run of 11-10 02:00 was missed (no reconcile then): the catch-up run clears the condition
    Job catchUp = jobs().stream().filter(j -> !JobOutcomeReader.finished(j)).findFirst().orElseThrow();
    harness.finishJob(catchUp, true, success(JobOutcomeReader.backupId(catchUp), 510_000), null);
    reconcileAt(at(1, "04:05:00"));
    assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE, Conditions.FALSE, Reasons.WITHIN_MAX_AGE,
        "within alerts.maxAge 26h", 1L);
    assertThat(events()).filteredOn(e -> Reasons.WITHIN_MAX_AGE.equals(e.getReason())).as("and one when it clears")
        .singleElement().satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));
  }

  @Test
  void overdueIsStillRightAfterTheOperatorIsReplaced() {
    apply(p -> {});
    succeedAt(at(0, "02:00:00"), 500_000);
    reconcileAt(at(1, "05:00:00"));
    var before = assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE, Conditions.TRUE, null,
        "older than alerts.maxAge 26h", 1L);

    harness.newOperatorInstance();
    reconcileAt(at(1, "05:30:00"));
    var after = assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE, Conditions.TRUE, null,
        "older than alerts.maxAge 26h", 1L);
    assertThat(after.getLastTransitionTime()).isEqualTo(before.getLastTransitionTime());
    assertThat(jobs().stream().filter(j -> !JobOutcomeReader.finished(j))).as("no duplicate catch-up run").hasSize(1);
  }

  @Test
  void withoutAnySuccessOverdueCountsFromThePolicysCreation() {
    apply(p -> p.getSpec().suspend = true);
    reconcileAt(created.plus(Duration.ofHours(26)).minusSeconds(1));
    assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE, Conditions.FALSE, Reasons.NO_BACKUP_YET,
        "overdue after " + Times.rfc3339(created.plus(Duration.ofHours(26))), 1L);
    reconcileAt(created.plus(Duration.ofHours(26)).plusSeconds(1));
    assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE, Conditions.TRUE, Reasons.NEVER_BACKED_UP,
        "no successful backup since the policy was created", 1L);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "schedule      | 61 2 * * *   | spec.schedule",
      "schedule      | @fortnightly | spec.schedule",
      "timeZone      | Mars/Olympus | spec.timeZone",
      "maxAge        | 26 hours     | spec.alerts.maxAge",
      "minSize       | lots         | spec.alerts.minSize",
      "retention     | none         | spec.retention",
  })
  void invalidSpecNamesTheFieldAndStartsNoJob(String field, String value, String named) {
    apply(p -> {
      var spec = p.getSpec();
      switch (field) {
        case "schedule" -> spec.schedule = value;
        case "timeZone" -> spec.timeZone = value;
        case "maxAge" -> {
          spec.alerts = new dev.lifeboat.api.v1alpha1.Alerts();
          spec.alerts.maxAge = value;
        }
        case "minSize" -> {
          spec.alerts = new dev.lifeboat.api.v1alpha1.Alerts();
          spec.alerts.minSize = new io.fabric8.kubernetes.api.model.Quantity(value);
        }
        default -> spec.retention.keepDaily = 0;
      }
    });
    reconcileAt(at(0, "02:00:00"));
    reconcileAt(at(0, "02:00:05"));
    var ready = assertCondition(policy().getStatus().conditions, ConditionTypes.READY, Conditions.FALSE, Reasons.INVALID_SPEC,
        named + ":", 1L);
    assertThat(ready.getMessage()).contains(field.equals("retention") ? "keep rule" : "'" + value + "'");
    assertThat(jobs()).isEmpty();
    assertThat(policy().getStatus().nextBackup).isNull();
    assertThat(events()).filteredOn(e -> Reasons.INVALID_SPEC.equals(e.getReason())).as("announced once").hasSize(1);
  }

  @Test
  void hooksAreRefusedWithReasonHooksDisabledUntilTheChartEnablesThem() {
    apply(p -> {
      p.getSpec().hooks = PolicyValidatorTest.afterHook(PolicyValidatorTest.sqliteBackup());
    });
    reconcileAt(at(0, "02:00:00"));
    reconcileAt(at(0, "02:00:05"));

    assertCondition(policy().getStatus().conditions, ConditionTypes.READY, Conditions.FALSE, Reasons.HOOKS_DISABLED,
        "spec.hooks: hooks are disabled in this Lifeboat installation", 1L);
    assertThat(jobs()).isEmpty();
    assertThat(events()).filteredOn(e -> Reasons.HOOKS_DISABLED.equals(e.getReason())).as("announced once").hasSize(1);
  }

  @Test
  void aRunWithoutHooksHasNoStageAndThePolicyNoFinalizer() {
    apply(p -> { });
    reconcileAt(at(0, "02:00:00"));

    assertThat(policy().getStatus().lastBackup.stage).isNull();
    assertThat(policy().getStatus().lastBackup.hooksStarted).isNull();
    assertThat(policy().getMetadata().getFinalizers()).isNullOrEmpty();
    assertThat(jobs()).hasSize(1);
  }

  @Test
  void aDumpOnlyPolicyRunsOnScheduleWithoutLookingForClaims() {
    apply(p -> {
      p.getSpec().source.claims = null;
      p.getSpec().source.dumps = List.of(Fixtures.dump("tzurot-db"));
    });
    client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(CLAIM).delete();
    reconcileAt(at(0, "02:00:00"));

    assertThat(jobs()).singleElement().satisfies(job -> {
      var pod = job.getSpec().getTemplate().getSpec();
      assertThat(pod.getContainers()).extracting(c -> c.getName()).containsExactly("agent", "dump-tzurot-db");
      assertThat(pod.getVolumes()).noneMatch(v -> v.getPersistentVolumeClaim() != null);
      assertThat(pod.getAffinity()).isNull();
      assertThat(pod.getContainers().get(0).getCommand()).doesNotContain("--volume")
          .containsSequence("--dump", "tzurot-db=/lifeboat/dumps/tzurot-db,timeout=3600");
    });
    assertThat(policy().getStatus().lastBackup.phase).isEqualTo(BackupPhase.Running);
  }

  @Test
  void missingClaimIsNamedInAConditionAndNoJobStarts() {
    apply(p -> p.getSpec().source.claims = List.of(CLAIM, "ghost-data"));
    reconcileAt(at(0, "02:00:00"));
    var ready = assertCondition(policy().getStatus().conditions, ConditionTypes.READY, Conditions.FALSE,
        Reasons.CLAIM_NOT_FOUND, "PersistentVolumeClaim ghost-data named in spec.source.claims", 1L);
    assertThat(ready.getMessage()).doesNotContain(CLAIM + ",");
    assertThat(jobs()).isEmpty();
  }

  @Test
  void unboundClaimIsNamedInACondition() {
    var pending = Fixtures.boundClaim("pending-data");
    pending.getStatus().setPhase("Pending");
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(pending).create();
    apply(p -> p.getSpec().source.claims = List.of("pending-data"));
    reconcileAt(at(0, "02:00:00"));
    assertCondition(policy().getStatus().conditions, ConditionTypes.READY, Conditions.FALSE,
        Reasons.CLAIM_NOT_BOUND, "PersistentVolumeClaim pending-data (Pending) is not bound", 1L);
    assertThat(jobs()).isEmpty();
  }

  @Test
  void suspendedPolicyStartsNoJob() {
    apply(p -> {
      p.getSpec().suspend = true;
      p.getSpec().trigger = new Trigger();
      p.getSpec().trigger.manual = "now";
    });
    reconcileAt(at(0, "02:00:00"));
    reconcileAt(at(3, "02:00:00"));
    assertThat(jobs()).isEmpty();
    assertThat(policy().getStatus().nextBackup).isNull();
    assertCondition(policy().getStatus().conditions, ConditionTypes.READY, Conditions.FALSE, Reasons.OVERDUE,
        "no successful backup since the policy was created 3d", 1L);
  }

  @Test
  void manualTriggerStartsExactlyOneJobAndIsRecorded() {
    apply(p -> {
      p.getSpec().schedule = Fixtures.dailyAwayFromNow();
      p.getSpec().trigger = new Trigger();
      p.getSpec().trigger.manual = "2025-11-08 restore drill";
    });
    reconcileAt(created.plusSeconds(5));
    reconcileAt(created.plusSeconds(6));
    assertThat(jobs()).singleElement().satisfies(job ->
        assertThat(job.getMetadata().getAnnotations()).containsEntry("lifeboat.dev/trigger", "Manual"));
    assertThat(policy().getStatus().lastManualTrigger).isEqualTo("2025-11-08 restore drill");
    harness.finishJob(jobs().get(0), true, success(JobOutcomeReader.backupId(jobs().get(0)), 500_000), null);
    reconcileAt(created.plusSeconds(60));
    reconcileAt(created.plusSeconds(120));
    assertThat(jobs()).as("the same trigger value does not run again").hasSize(1);
  }

  @Test
  void threeMissedDaysGiveExactlyOneCatchUpJob() {
    apply(p -> {});
    reconcileAt(at(3, "09:30:00"));
    reconcileAt(at(3, "09:30:01"));
    assertThat(jobs()).singleElement().satisfies(job ->
        assertThat(JobOutcomeReader.backupId(job)).isEqualTo(id(at(3, "09:30:00"))));
    harness.finishJob(jobs().get(0), true, success(id(at(3, "09:30:00")), 500_000), null);
    reconcileAt(at(3, "09:35:00"));
    reconcileAt(at(4, "01:59:00"));
    assertThat(jobs()).as("no further run before the next slot").hasSize(1);
    reconcileAt(at(4, "02:00:00"));
    assertThat(jobs()).hasSize(2);
  }

  @Test
  void rwoClaimInUseRunsTheJobOnThatNodeWithThePodsTolerations() {
    client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
        .withNewMetadata().withName("rose-0").withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withNodeName("node-b")
        .addNewContainer().withName("app").withImage("rose").endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim(CLAIM, false).endVolume()
        .withTolerations(new TolerationBuilder().withKey("dedicated").withOperator("Equal").withValue("rose")
            .withEffect("NoSchedule").build())
        .endSpec()
        .withNewStatus().withPhase("Running").endStatus().build()).create();
    apply(p -> {});
    reconcileAt(at(0, "02:00:00"));

    var pod = jobs().get(0).getSpec().getTemplate().getSpec();
    var term = pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms().get(0).getMatchFields().get(0);
    assertThat(term.getKey()).isEqualTo("metadata.name");
    assertThat(term.getValues()).containsExactly("node-b");
    assertThat(pod.getTolerations()).extracting(t -> t.getKey()).containsExactly("dedicated");
  }

  @Test
  void finishedJobsBeyondTheHistoryAreDeleted() {
    apply(p -> {});
    for (int day = 0; day <= 4; day++) {
      succeedAt(at(day, "02:00:00"), 500_000);
    }
    assertThat(jobs()).hasSize(BackupRuns.FINISHED_JOBS_KEPT);
    assertThat(policy().getStatus().backups).hasSize(5);
    assertThat(policy().getStatus().recent.succeeded).isEqualTo(5);
  }

  @Test
  void tinyBackupIsFlaggedSuspicious() {
    apply(p -> {});
    succeedAt(at(0, "02:00:00"), 5_000_000);
    assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_SUSPICIOUS, Conditions.FALSE, Reasons.SIZE_PLAUSIBLE,
        "newest backup " + id(at(0, "02:00:00")) + " is 5000000 bytes", 1L);
    succeedAt(at(1, "02:00:00"), 400_000);
    assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_SUSPICIOUS, Conditions.TRUE, Reasons.SHRANK,
        "newest backup " + id(at(1, "02:00:00")) + " is 400000 bytes, under 10% of the previous one (5000000 bytes)", 1L);
    succeedAt(at(2, "02:00:00"), 1_000);
    assertCondition(policy().getStatus().conditions, ConditionTypes.BACKUP_SUSPICIOUS, Conditions.TRUE, Reasons.BELOW_MIN_SIZE,
        "newest backup " + id(at(2, "02:00:00")) + " is 1000 bytes, below alerts.minSize", 1L);
  }

  List<Event> events() {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems();
  }
}
