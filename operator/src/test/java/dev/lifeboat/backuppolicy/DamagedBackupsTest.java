package dev.lifeboat.backuppolicy;

import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.Outcomes;
import dev.lifeboat.testing.ReconcileHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Backups the agent finds damaged reach the people responsible: status.damagedBackups, the
 * BackupsDamaged condition, and one Warning Event per backup when it is first seen.
 */
class DamagedBackupsTest extends ControllerTest {
  static final DamagedBackup CORRUPT = new DamagedBackup("20251101T020000Z",
      "prod/rose/rose-memory/20251101T020000Z/manifest.json is not valid JSON (Unexpected end-of-input)");
  static final DamagedBackup FUTURE = new DamagedBackup("20251105T020000Z",
      "prod/rose/rose-memory/20251105T020000Z/manifest.json has formatVersion 99; this agent reads 1: upgrade Lifeboat");

  BackupPolicyStatus reconcile() {
    harness.reconcile(NAMESPACE, POLICY);
    return harness.get(NAMESPACE, POLICY).getStatus();
  }

  long generation() {
    return harness.get(NAMESPACE, POLICY).getMetadata().getGeneration();
  }

  void trigger(String value) {
    BackupPolicy policy = harness.get(NAMESPACE, POLICY);
    if (policy.getSpec().trigger == null) {
      policy.getSpec().trigger = new Trigger();
    }
    policy.getSpec().trigger.manual = value;
    client.resource(policy).update();
  }

  /** Finishes the running backup Job as an agent whose retention pass found {@code damaged}. */
  void finishRun(DamagedBackup... damaged) {
    Job job = harness.jobs(NAMESPACE).stream()
        .filter(j -> JobOutcomeReader.backupId(j) != null && !JobOutcomeReader.finished(j)).findFirst().orElseThrow();
    AgentResult.Retention retention = new AgentResult.Retention(1, 0, List.of(), null, null, 1000L, null, null,
        damaged.length == 0 ? null : List.of(damaged), damaged.length == 0 ? null : damaged.length, null);
    harness.finishJob(job, true, Outcomes.succeeded(JobOutcomeReader.backupId(job), 1000L, retention).result(), null);
  }

  List<Event> damageEvents() {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> Reasons.BACKUP_DAMAGED.equals(e.getReason())).toList();
  }

  @Test
  void theFirstListingAndEveryRunReportDamagedBackupsWithOneWarningEachAndTheConditionFollows() {
    harness.repositoryHolds(CORRUPT.listLine() + "\n" + ReconcileHarness.EMPTY_LISTING);
    harness.create(Fixtures.dailyPolicy());
    trigger("first");

    BackupPolicyStatus status = reconcile();
    assertThat(status.damagedBackups).extracting(d -> d.id, d -> d.problem)
        .containsExactly(tuple(CORRUPT.id(), CORRUPT.problem()));
    assertThat(status.discovery.message).contains("1 damaged, see status.damagedBackups");
    assertCondition(status.conditions, ConditionTypes.BACKUPS_DAMAGED, "True", Reasons.DAMAGED_BACKUPS_FOUND,
        "1 damaged backup(s) in the repository", generation());
    assertThat(damageEvents()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).isEqualTo("backup " + CORRUPT.id() + " in the repository is damaged: "
          + CORRUPT.problem() + "; restores skip it and retention keeps it until it is repaired or deleted by hand");
    });
    assertCondition(status.conditions, ConditionTypes.READY, "True", Reasons.WAITING_FOR_FIRST_BACKUP, "", generation());

    finishRun(CORRUPT, FUTURE);
    status = reconcile();
    assertThat(status.damagedBackups).extracting(d -> d.id).containsExactly(FUTURE.id(), CORRUPT.id());
    assertThat(damageEvents()).as("one more, for the backup not seen before").hasSize(2)
        .anySatisfy(e -> assertThat(e.getMessage()).contains(FUTURE.problem()));
    assertCondition(status.conditions, ConditionTypes.BACKUPS_DAMAGED, "True", Reasons.DAMAGED_BACKUPS_FOUND,
        "2 damaged backup(s)", generation());
    assertCondition(status.conditions, ConditionTypes.READY, "True", Reasons.UP_TO_DATE, "", generation());

    trigger("second");
    reconcile();
    finishRun();
    status = reconcile();
    assertThat(status.damagedBackups).isEmpty();
    assertCondition(status.conditions, ConditionTypes.BACKUPS_DAMAGED, "False", Reasons.NO_DAMAGED_BACKUPS,
        "every backup's manifest could be read", generation());
    assertThat(damageEvents()).hasSize(2);
  }

  @Test
  void untilTheRepositoryIsReadNobodyClaimsItHoldsNoDamagedBackup() {
    harness.repositoryHolds(null); // the first listing still runs
    harness.create(Fixtures.dailyPolicy());

    BackupPolicyStatus status = reconcile();

    assertThat(status.damagedBackups).isNull();
    assertCondition(status.conditions, ConditionTypes.BACKUPS_DAMAGED, "Unknown", Reasons.NO_BACKUP_YET,
        "has not been read yet", generation());
  }
}
