package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.DiscoveryPhase;
import dev.lifeboat.common.JobOutcomeReader;
import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.Times;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.ReconcileHarness;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A policy applied where backups already exist (a new cluster, the same bucket) lists them before its first run. */
class BackupDiscoveryTest extends ControllerTest {
  Instant created;

  BackupPolicy apply(String manualTrigger) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    if (manualTrigger != null) {
      policy.getSpec().trigger = new Trigger();
      policy.getSpec().trigger.manual = manualTrigger;
    }
    BackupPolicy applied = harness.create(policy);
    created = clock.instant();
    return applied;
  }

  BackupPolicyStatus reconcile() {
    harness.reconcile(NAMESPACE, POLICY);
    return harness.get(NAMESPACE, POLICY).getStatus();
  }

  /** Nightly backups at 02:00 UTC for the {@code days} days before the policy was applied, newest first. */
  List<ListedBackup> nightlyBefore(int days) {
    List<ListedBackup> backups = new ArrayList<>();
    Instant lastNight = created.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofHours(2));
    lastNight = lastNight.isAfter(created) ? lastNight.minus(Duration.ofDays(1)) : lastNight;
    for (int i = 0; i < days; i++) {
      Instant start = lastNight.minus(Duration.ofDays(i));
      backups.add(new ListedBackup(Times.backupId(start), Times.rfc3339(start.plusSeconds(41)), "scheduled", 800_000L + i,
          3L, false, List.of(CLAIM), null));
    }
    return backups;
  }

  static String listing(List<ListedBackup> backups) throws Exception {
    return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(backups) + "\n";
  }

  List<Job> runs() {
    return harness.jobs(NAMESPACE).stream().filter(j -> JobOutcomeReader.backupId(j) != null).toList();
  }

  @Test
  void existingBackupsReachTheStatusBeforeTheFirstRun() throws Exception {
    harness.repositoryHolds(null);
    apply(null);
    List<ListedBackup> found = new ArrayList<>(nightlyBefore(10));
    found.add(1, new ListedBackup(Times.backupId(created.minusSeconds(3600)), Times.rfc3339(created.minusSeconds(3590)),
        ListedBackup.KIND_PRE_RESTORE, 10L, 1L, false, List.of(CLAIM), null));
    BackupPolicyStatus status = reconcile();
    assertThat(status.discovery.phase).isEqualTo(DiscoveryPhase.Running);
    assertThat(harness.jobs(NAMESPACE)).singleElement().satisfies(job ->
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
            .containsSequence("lifeboat", "agent", "list").containsSequence("--policy", POLICY));

    harness.repositoryHolds(listing(found));
    status = reconcile();
    assertThat(status.discovery.phase).isEqualTo(DiscoveryPhase.Succeeded);
    assertThat(status.discovery.found).isEqualTo(10);
    assertThat(status.backups).hasSize(10).extracting(b -> b.id).doesNotContain(found.get(1).id());
    assertThat(status.lastSuccessfulBackup).isEqualTo(found.get(0).time());
    assertThat(status.lastBackup.id).isEqualTo(found.get(0).id());
    // keepDaily 7 of the fixture: the three oldest are what the next run will prune, and status says so.
    assertThat(status.backups.subList(0, 7)).allSatisfy(b -> assertThat(b.keptBy).contains("daily"));
    assertThat(status.backups.subList(7, 10)).allSatisfy(b -> assertThat(b.keptBy).isEmpty());
    assertThat(status.retention.kept).isEqualTo(10);
    assertCondition(status.conditions, ConditionTypes.BACKUP_OVERDUE, "False", Reasons.WITHIN_MAX_AGE,
        "within alerts.maxAge 26h", 1L);
    assertThat(harness.jobs(NAMESPACE)).as("the listing Job is deleted once recorded").isEmpty();
    assertThat(client.v1().events().inNamespace(NAMESPACE).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo(Reasons.REPOSITORY_LISTED));
  }

  @Test
  void noBackupStartsWhileTheListingRuns() {
    harness.repositoryHolds(null);
    apply("after-the-move");
    reconcile();
    reconcile();
    assertThat(runs()).isEmpty();
    harness.repositoryHolds(ReconcileHarness.EMPTY_LISTING);
    BackupPolicyStatus status = reconcile();
    assertThat(status.discovery.found).isZero();
    assertThat(runs()).hasSize(1);
  }

  @Test
  void aFailedListingIsReportedAndBackupsStillRun() {
    harness.repositoryHolds(null);
    apply("after-the-move");
    reconcile();
    Job listing = harness.jobs(NAMESPACE).get(0);
    harness.finishJob(listing, false, null, "AccessDenied: s3:ListBucket on bucket backups\n");
    BackupPolicyStatus status = reconcile();
    assertThat(status.discovery.phase).isEqualTo(DiscoveryPhase.Failed);
    assertThat(status.discovery.message).contains("AccessDenied");
    assertThat(runs()).hasSize(1);
  }

  @Test
  void aPolicyThatHasRunBeforeDoesNotListAgain() {
    apply(null);
    BackupPolicyStatus status = reconcile();
    assertThat(status.discovery.phase).isEqualTo(DiscoveryPhase.Succeeded);
    harness.newOperatorInstance();
    harness.repositoryHolds(null);
    reconcile();
    assertThat(harness.jobs(NAMESPACE)).isEmpty();
  }
}
