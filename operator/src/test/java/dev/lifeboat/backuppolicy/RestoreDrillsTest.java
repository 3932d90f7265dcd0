package dev.lifeboat.backuppolicy;

import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.VerifyCheck;
import dev.lifeboat.api.v1alpha1.VerifySpec;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Times;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Restore drills (spec.verify) through the BackupPolicy controller, on a clock the test moves. */
class RestoreDrillsTest extends ControllerTest {
  /** The day after the policy was created (the API server stamps real time): the test's day. */
  LocalDate day;
  String backupId;

  void apply(Consumer<VerifySpec> verify) {
    BackupPolicy policy = Fixtures.dailyPolicy(); // backups daily at 02:00 UTC
    policy.getSpec().verify = new VerifySpec();
    policy.getSpec().verify.schedule = "0 4 * * *";
    verify.accept(policy.getSpec().verify);
    create(policy);
  }

  void create(BackupPolicy policy) {
    harness.create(policy);
    day = clock.instant().atZone(ZoneOffset.UTC).toLocalDate().plusDays(1);
    backupId = Times.backupId(at("02:00:00"));
  }

  /** {@code hhmmss} UTC on the test's day. */
  Instant at(String hhmmss) {
    return day.atTime(LocalTime.parse(hhmmss)).toInstant(ZoneOffset.UTC);
  }

  Optional<Duration> reconcileAt(String hhmmss) {
    clock.set(at(hhmmss));
    return harness.reconcile(NAMESPACE, POLICY);
  }

  BackupPolicy policy() {
    return harness.get(NAMESPACE, POLICY);
  }

  List<Job> drills() {
    return harness.jobs(NAMESPACE).stream().filter(RestoreDrills::isDrill).toList();
  }

  List<Event> events(String reason) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  /** The 02:00 backup of 11-09, succeeded and recorded. */
  void backedUp() {
    reconcileAt("02:00:00");
    Job job = harness.jobs(NAMESPACE).stream().filter(j -> JobOutcomeReader.backupId(j) != null).findFirst().orElseThrow();
    harness.finishJob(job, true, new AgentResult(1, "backup", JobOutcomeReader.backupId(job), BackupPhase.Succeeded, null, null, 900_000L, 3L,
        "sha256:00", 1.0, false, "backed up 3 files", null), null);
    reconcileAt("02:01:00");
  }

  AgentResult verified(boolean good, String message) {
    return new AgentResult(1, "verify", backupId, good ? BackupPhase.Succeeded : BackupPhase.Failed, null, null,
        null, null, null, null, false, message, null);
  }

  @Test
  void aDrillStartsOnItsScheduleAndASuccessIsRecorded() {
    apply(v -> {});
    backedUp();
    Optional<Duration> wait = reconcileAt("03:59:59");
    assertThat(drills()).isEmpty();
    assertThat(policy().getStatus().nextVerification).isEqualTo(Times.rfc3339(at("04:00:00")));
    assertThat(wait).as("wakes for the drill").hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(1)));

    reconcileAt("04:00:00");
    Job drill = drills().stream().findFirst().orElseThrow();
    assertThat(drill.getMetadata().getName()).isEqualTo("rose-memory-verify-" + Times.backupId(at("04:00:00")).toLowerCase());
    assertThat(drill.getMetadata().getAnnotations()).containsEntry(Lifeboat.VERIFIED_BACKUP_ANNOTATION, backupId);
    var agent = drill.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(agent.getCommand()).containsSequence("lifeboat", "agent", "verify").containsSequence("--backup", backupId,
        "--restore-to", "/restore", "--pin-ttl", "21600s");
    assertThat(drill.getSpec().getBackoffLimit()).as("a drill is not retried").isZero();
    assertThat(drill.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName())
        .as("none of the app's volumes").containsExactlyInAnyOrder("restore", "tmp");
    assertThat(policy().getStatus().lastVerification.result).isEqualTo("Running");
    reconcileAt("04:00:30");
    assertThat(drills()).as("one drill at a time").hasSize(1);

    harness.finishJob(drill, true, verified(true, "verified backup " + backupId + ": all checksums match"), null);
    reconcileAt("04:03:00");

    var status = policy().getStatus();
    assertThat(status.lastVerification.result).isEqualTo("Succeeded");
    assertThat(status.lastVerification.id).isEqualTo(backupId);
    assertThat(status.lastVerification.message).contains("all checksums match");
    assertThat(status.lastSuccessfulVerification).isEqualTo(status.lastVerification.time);
    assertCondition(status.conditions, ConditionTypes.LAST_VERIFICATION_SUCCEEDED, Conditions.TRUE,
        Reasons.VERIFICATION_SUCCEEDED, "all checksums match", 1L);
    assertCondition(status.conditions, ConditionTypes.VERIFICATION_OVERDUE, Conditions.FALSE, Reasons.VERIFIED_RECENTLY,
        "within verify.maxAge 45d", 1L);
    assertThat(events(Reasons.VERIFICATION_SUCCEEDED)).hasSize(1);
    assertThat(policy().getStatus().lastBackup.phase).as("backups were never held").isEqualTo(BackupPhase.Succeeded);
  }

  @Test
  void aFailedCheckIsNamedWithItsOutputInConditionAndEvent() {
    apply(v -> {
      v.check = new VerifyCheck();
      v.check.image = "keinos/sqlite3";
      v.check.command = List.of("sh", "-c", "sqlite3 /restore/memory-data/memory.db 'select count(*) from notes'");
    });
    backedUp();
    reconcileAt("04:00:00");
    Job drill = drills().get(0);
    assertThat(drill.getSpec().getTemplate().getSpec().getInitContainers()).extracting(c -> c.getName()).containsExactly("agent");
    assertThat(drill.getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("check");

    harness.finishDrill(drill, verified(true, "verified backup " + backupId), 1, "Error: no such table: notes");
    reconcileAt("04:03:00");

    var status = policy().getStatus();
    assertThat(status.lastVerification.result).isEqualTo("Failed");
    assertThat(status.lastVerification.message).isEqualTo("verify.check failed (exit 1): Error: no such table: notes");
    assertThat(status.lastSuccessfulVerification).isNull();
    assertCondition(status.conditions, ConditionTypes.LAST_VERIFICATION_SUCCEEDED, Conditions.FALSE,
        Reasons.VERIFICATION_FAILED, "no such table: notes", 1L);
    assertThat(events(Reasons.VERIFICATION_FAILED)).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("backup " + backupId).contains("no such table: notes");
    });
  }

  @Test
  void aBackupTheAgentFindsBadFailsTheDrillWithTheAgentsWords() {
    apply(v -> {});
    backedUp();
    reconcileAt("04:00:00");
    harness.finishJob(drills().get(0), false,
        verified(false, "memory-data/memory.db: SQLite integrity_check failed: row 7 missing from index"), null);
    reconcileAt("04:03:00");

    assertThat(policy().getStatus().lastVerification.message).contains("memory.db").contains("integrity_check");
    assertThat(Conditions.find(policy().getStatus().conditions, ConditionTypes.LAST_VERIFICATION_SUCCEEDED))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
  }

  @Test
  void verificationOverdueFlipsExactlyAtMaxAgeWithoutASuccessfulDrill() {
    apply(v -> v.maxAge = "2d");
    Instant created = clock.instant();
    Instant flip = created.plus(Duration.ofDays(2));

    clock.set(flip);
    Optional<Duration> wait = harness.reconcile(NAMESPACE, POLICY);
    assertCondition(policy().getStatus().conditions, ConditionTypes.VERIFICATION_OVERDUE, Conditions.FALSE,
        Reasons.NO_VERIFICATION_YET, "no successful restore drill yet", 1L);
    assertThat(wait).hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(1)));

    clock.set(flip.plusMillis(1));
    harness.reconcile(NAMESPACE, POLICY);
    assertCondition(policy().getStatus().conditions, ConditionTypes.VERIFICATION_OVERDUE, Conditions.TRUE,
        Reasons.NEVER_VERIFIED, "no successful restore drill since the policy was created 48h ago (verify.maxAge 2d)", 1L);
    assertThat(events(Reasons.NEVER_VERIFIED)).as("an Event for the flip").hasSize(1);
  }

  @Test
  void withNoGoodBackupTheSlotIsSkippedAndSaidSo() {
    apply(v -> v.schedule = "0 1 * * *"); // before the first backup at 02:00
    reconcileAt("01:00:00");

    assertThat(drills()).isEmpty();
    assertThat(events(Reasons.VERIFICATION_SKIPPED)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("no good backup to verify yet"));
    reconcileAt("01:30:00");
    assertThat(events(Reasons.VERIFICATION_SKIPPED)).as("once per slot").hasSize(1);
  }

  @Test
  void withoutAScheduleThereAreNoDrillsAndNoVerificationConditions() {
    create(Fixtures.dailyPolicy());
    backedUp();
    reconcileAt("04:00:00");

    assertThat(drills()).isEmpty();
    assertThat(Conditions.find(policy().getStatus().conditions, ConditionTypes.VERIFICATION_OVERDUE)).isEmpty();
    assertThat(policy().getStatus().nextVerification).isNull();
  }
}
