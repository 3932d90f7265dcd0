package dev.lifeboat.backuppolicy;

import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.DiscoveryPhase;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Times;
import dev.lifeboat.testing.ReconcileHarness;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A run whose pod can never start (a missing Secret or key, an image that cannot be pulled, no
 * node fits) ends Failed with the kubelet's or scheduler's message once that has lasted its
 * threshold, its Job deleted so the next run can start; before that nothing happens and the
 * controller asks to be woken exactly at the threshold.
 */
class StuckRunsTest extends ControllerTest {
  static final String NO_SECRET = "secret \"s3-credentials\" not found";
  static final String NO_KEY = "couldn't find key AWS_SECRET_ACCESS_KEY in Secret rose/s3-credentials";
  Instant firstSlot;

  void apply() {
    harness.create(Fixtures.dailyPolicy());
    Instant now = clock.instant();
    Instant slot = now.atZone(ZoneOffset.UTC).toLocalDate().atTime(2, 0).toInstant(ZoneOffset.UTC);
    firstSlot = slot.isAfter(now) ? slot : slot.plus(Duration.ofDays(1));
  }

  Instant at(int days, String hhmmss) {
    return firstSlot.atZone(ZoneOffset.UTC).toLocalDate().plusDays(days).atTime(LocalTime.parse(hhmmss))
        .toInstant(ZoneOffset.UTC);
  }

  Optional<Duration> reconcileAt(Instant instant) {
    clock.set(instant);
    return harness.reconcile(NAMESPACE, POLICY);
  }

  BackupPolicyStatus status() {
    return harness.get(NAMESPACE, POLICY).getStatus();
  }

  List<Job> runs() {
    return harness.jobs(NAMESPACE).stream().filter(job -> JobOutcomeReader.backupId(job) != null).toList();
  }

  List<Event> events(String reason) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  @Test
  void aMissingSecretFailsTheRunAfterTwoMinutesWithTheKubeletsMessageAndTheNextRunStarts() {
    apply();
    reconcileAt(at(0, "02:00:00"));
    Job job = runs().get(0);
    String id = JobOutcomeReader.backupId(job);
    harness.podWaiting(job, "CreateContainerConfigError", NO_SECRET, at(0, "02:00:02"));

    Optional<Duration> wait = reconcileAt(at(0, "02:00:30"));
    assertThat(wait).as("woken exactly when the wait reaches 2 minutes").contains(Duration.ofSeconds(92));
    assertThat(status().lastBackup.phase).isEqualTo(BackupPhase.Running);
    assertThat(runs()).hasSize(1);

    harness.newOperatorInstance(); // nothing in memory: the pod's own times decide
    assertThat(reconcileAt(at(0, "02:02:01"))).contains(Duration.ofSeconds(1));
    assertThat(status().lastBackup.phase).isEqualTo(BackupPhase.Running);
    assertThat(events(Reasons.BACKUP_FAILED)).isEmpty();

    reconcileAt(at(0, "02:02:02"));
    BackupPolicyStatus status = status();
    assertThat(status.lastBackup.id).isEqualTo(id);
    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Failed);
    assertThat(status.lastBackup.message).isEqualTo("Job " + job.getMetadata().getName() + " cannot start: "
        + ReconcileHarness.AGENT_WAITING + NO_SECRET
        + " (CreateContainerConfigError for 2m)");
    assertThat(status.lastBackup.completionTime).isEqualTo(Times.rfc3339(at(0, "02:02:02")));
    assertThat(status.recent.failed).isEqualTo(1);
    assertCondition(status.conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED, Conditions.FALSE, Reasons.BACKUP_FAILED,
        NO_SECRET, 1L);
    assertThat(events(Reasons.BACKUP_FAILED)).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).isEqualTo("backup " + id + " failed: " + status.lastBackup.message);
    });
    assertThat(runs()).as("the stuck Job is deleted").isEmpty();

    reconcileAt(at(0, "02:10:00"));
    assertThat(status().lastBackup.phase).as("recorded once").isEqualTo(BackupPhase.Failed);
    assertThat(events(Reasons.BACKUP_FAILED)).hasSize(1);

    reconcileAt(at(1, "02:00:00"));
    assertThat(runs()).as("the next scheduled run").singleElement()
        .satisfies(next -> assertThat(JobOutcomeReader.backupId(next)).isEqualTo(Times.backupId(at(1, "02:00:00"))));
    assertThat(status().lastBackup.phase).isEqualTo(BackupPhase.Running);
  }

  @Test
  void aMissingKeyOrAnImageThatCannotBePulledEndTheRunTheSameWay() {
    apply();
    reconcileAt(at(0, "02:00:00"));
    harness.podWaiting(runs().get(0), "CreateContainerConfigError", NO_KEY, at(0, "02:00:01"));
    reconcileAt(at(0, "02:03:00"));
    assertThat(status().lastBackup.message).contains(NO_KEY);

    reconcileAt(at(1, "02:00:00"));
    String pull = "Back-off pulling image \"ghcr.io/lifeboat/lifeboat:0.0.0-nope\"";
    harness.podWaiting(runs().get(0), "ImagePullBackOff", pull, at(1, "02:00:01"));
    reconcileAt(at(1, "02:02:01"));
    assertThat(status().lastBackup.phase).isEqualTo(BackupPhase.Failed);
    assertThat(status().lastBackup.message).contains(pull).contains("ImagePullBackOff");
    assertThat(runs()).isEmpty();
  }

  @Test
  void anUnschedulablePodFailsTheRunAfterTenMinutesWithTheSchedulersMessage() {
    apply();
    reconcileAt(at(0, "02:00:00"));
    String message = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";
    harness.podUnschedulable(runs().get(0), message, at(0, "02:00:01"));

    assertThat(reconcileAt(at(0, "02:05:00"))).contains(Duration.ofSeconds(301));
    assertThat(status().lastBackup.phase).isEqualTo(BackupPhase.Running);

    reconcileAt(at(0, "02:10:01"));
    assertThat(status().lastBackup.phase).isEqualTo(BackupPhase.Failed);
    assertThat(status().lastBackup.message).contains(message).contains("Unschedulable for 10m");
    assertThat(runs()).isEmpty();
  }

  @Test
  void aPodThatStartsBeforeTheThresholdIsLeftAlone() {
    apply();
    reconcileAt(at(0, "02:00:00"));
    Job job = runs().get(0);
    harness.podWaiting(job, "CreateContainerConfigError", NO_SECRET, at(0, "02:00:02"));
    reconcileAt(at(0, "02:01:00"));
    // The Secret is created: the kubelet starts the container.
    client.pods().inNamespace(NAMESPACE).withLabel("job-name", job.getMetadata().getName()).delete();
    harness.startJob(job, "backing up\n");

    Optional<Duration> wait = reconcileAt(at(0, "02:02:02"));
    assertThat(status().lastBackup.phase).isEqualTo(BackupPhase.Running);
    assertThat(runs()).hasSize(1);
    assertThat(wait).as("a started pod needs no watching: the Job's end wakes the controller")
        .hasValueSatisfying(d -> assertThat(d).isGreaterThan(Duration.ofHours(1)));
  }

  @Test
  void whileARunsPodIsOnItsWayTheControllerLooksAgainSoon() {
    apply();
    assertThat(reconcileAt(at(0, "02:00:00"))).as("no pod yet").contains(BackupPolicyReconciler.POD_RECHECK);
    harness.startJob(runs().get(0), "backing up\n");
    assertThat(reconcileAt(at(0, "02:00:10"))).hasValueSatisfying(d -> assertThat(d).isGreaterThan(Duration.ofHours(1)));
  }

  @Test
  void aManualRunWaitingForItsStuckPredecessorStartsAsSoonAsThatOneFails() {
    apply();
    reconcileAt(at(0, "02:00:00"));
    harness.podWaiting(runs().get(0), "CreateContainerConfigError", NO_SECRET, at(0, "02:00:01"));
    BackupPolicy policy = harness.get(NAMESPACE, POLICY);
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "after-fixing-the-secret";
    client.resource(policy).update();

    reconcileAt(at(0, "02:01:00"));
    assertThat(runs()).as("one run at a time").hasSize(1);

    reconcileAt(at(0, "02:02:01"));
    assertThat(runs()).singleElement().satisfies(job ->
        assertThat(job.getMetadata().getAnnotations()).containsEntry("lifeboat.dev/trigger", "Manual"));
    assertThat(status().lastBackup.phase).isEqualTo(BackupPhase.Running);
    assertThat(status().lastManualTrigger).isEqualTo("after-fixing-the-secret");
  }

  @Test
  void aStuckRepositoryListingFailsTheDiscoveryAndBackupsGoOn() {
    harness.repositoryHolds(null); // the listing Job is left to its pod
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "first";
    harness.create(policy);
    Instant created = clock.instant();
    harness.reconcile(NAMESPACE, POLICY);
    Job listing = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JobNames.discoveryJob(POLICY)).get();
    assertThat(listing.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
    harness.podWaiting(listing, "CreateContainerConfigError", NO_SECRET, created.plusSeconds(2));

    clock.set(created.plusSeconds(60));
    assertThat(harness.reconcile(NAMESPACE, POLICY)).contains(Duration.ofSeconds(62));
    assertThat(status().discovery.phase).isEqualTo(DiscoveryPhase.Running);
    assertThat(runs()).isEmpty();

    clock.set(created.plusSeconds(122));
    harness.reconcile(NAMESPACE, POLICY);
    BackupPolicyStatus status = status();
    assertThat(status.discovery.phase).isEqualTo(DiscoveryPhase.Failed);
    assertThat(status.discovery.message).startsWith("listing s3://backups/prod (rose/rose-memory) failed: Job "
        + JobNames.discoveryJob(POLICY) + " cannot start: "
        + ReconcileHarness.AGENT_WAITING + NO_SECRET).endsWith("after the next run");
    assertThat(events(Reasons.LISTING_FAILED)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(NO_SECRET));
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JobNames.discoveryJob(POLICY)).get())
        .as("the listing Job is deleted").isNull();
    assertThat(runs()).as("the manual run starts").hasSize(1);
  }
}
