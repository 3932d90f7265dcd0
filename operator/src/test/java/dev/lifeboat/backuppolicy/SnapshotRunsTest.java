package dev.lifeboat.backuppolicy;

import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static dev.lifeboat.testing.JobParts.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.CopyMethod;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RunStage;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.Outcomes;
import dev.lifeboat.testing.SnapshotDriver;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * copyMethod: Snapshot against the API server stand-in, the test playing the snapshot controller: a
 * run takes a VolumeSnapshot of each claim, copies temporary claims made from them once all are
 * ready, fails with a snapshot's own error or when one is not ready in time, fails clearly on a
 * cluster without the snapshot API, and leaves no temporary object behind.
 */
class SnapshotRunsTest extends ControllerTest {
  static final String TEMPORARY_NAME_START = "lb-" + POLICY + "-";

  /** The fixture policy with copyMethod: Snapshot and a run asked for by hand. */
  static BackupPolicy snapshotPolicy() {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getSpec().schedule = Fixtures.dailyAwayFromNow();
    policy.getSpec().copyMethod = CopyMethod.Snapshot;
    policy.getSpec().volumeSnapshotClassName = "csi-hostpath-snapclass";
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "now";
    return policy;
  }

  SnapshotDriver driver() {
    return new SnapshotDriver(client);
  }

  Optional<Duration> reconcile() {
    return harness.reconcile(NAMESPACE, POLICY);
  }

  BackupRun lastBackup() {
    return harness.get(NAMESPACE, POLICY).getStatus().lastBackup;
  }

  List<Job> runJobs() {
    return harness.jobs(NAMESPACE).stream().filter(job -> JobOutcomeReader.backupId(job) != null).toList();
  }

  List<PersistentVolumeClaim> temporaryClaims() {
    return client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabel(Lifeboat.TEMPORARY_LABEL, "true")
        .list().getItems();
  }

  List<Event> events(String reason) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  /** Starts the run and lets it create its snapshot; returns the snapshot. */
  VolumeSnapshot runTakingItsSnapshot(BackupPolicy policy) {
    harness.create(policy);
    reconcile();
    reconcile();
    return driver().snapshots(NAMESPACE).get(0);
  }

  @Test
  void aRunRecordsItsSnapshotsBeforeTakingThemAndAfterARestartTakesThemAndWaits() {
    harness.create(snapshotPolicy());

    Optional<Duration> wait = reconcile();

    BackupRun run = lastBackup();
    assertThat(run.phase).isEqualTo(BackupPhase.Running);
    assertThat(run.stage).isEqualTo(RunStage.Snapshotting);
    assertThat(run.trigger).isEqualTo("Manual");
    assertThat(run.job).isNull();
    assertThat(run.snapshots).singleElement().satisfies(s -> {
      assertThat(s.claim).isEqualTo(CLAIM);
      assertThat(s.snapshot).startsWith(TEMPORARY_NAME_START).endsWith("-" + CLAIM);
      assertThat(s.temporaryClaim).isEqualTo(s.snapshot);
    });
    assertThat(driver().snapshots(NAMESPACE)).as("recorded first, created on the next look").isEmpty();
    assertThat(wait).as("looked at again soon").hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(1)));

    harness.newOperatorInstance(); // nothing in memory: the status says where the run is
    wait = reconcile();

    assertThat(driver().snapshots(NAMESPACE)).singleElement().satisfies(snapshot -> {
      assertThat(snapshot.getMetadata().getName()).isEqualTo(run.snapshots.get(0).snapshot);
      assertThat(snapshot.getSpec().source.persistentVolumeClaimName).isEqualTo(CLAIM);
      assertThat(snapshot.getSpec().volumeSnapshotClassName).isEqualTo("csi-hostpath-snapclass");
      assertThat(snapshot.getMetadata().getLabels()).containsEntry(Lifeboat.BACKUP_ID_LABEL, run.id);
    });
    assertThat(lastBackup().phase).isEqualTo(BackupPhase.Running);
    assertThat(lastBackup().stage).isEqualTo(RunStage.Snapshotting);
    assertThat(runJobs()).as("no Job while a snapshot is pending").isEmpty();
    assertThat(wait).as("pending snapshots are polled").hasValueSatisfying(
        d -> assertThat(d).isPositive().isLessThanOrEqualTo(SnapshotStage.POLL));

    clock.advance(Duration.ofSeconds(5));
    reconcile();
    assertThat(driver().snapshots(NAMESPACE)).as("created once").hasSize(1);
    assertThat(runJobs()).isEmpty();
  }

  @Test
  void readySnapshotsGiveTemporaryClaimsTheJobReadsAndAllOfThemGoWhenTheRunEnds() {
    VolumeSnapshot snapshot = runTakingItsSnapshot(snapshotPolicy());
    String id = lastBackup().id;
    driver().ready(snapshot, "2Gi");

    reconcile();

    String temporary = snapshot.getMetadata().getName();
    assertThat(temporaryClaims()).singleElement().satisfies(claim -> {
      assertThat(claim.getMetadata().getName()).isEqualTo(temporary);
      assertThat(claim.getSpec().getDataSource().getKind()).isEqualTo("VolumeSnapshot");
      assertThat(claim.getSpec().getDataSource().getName()).isEqualTo(temporary);
      assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("2Gi"));
    });
    Job job = runJobs().get(0);
    assertThat(pod(job).getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .singleElement().satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(temporary));
    BackupRun copying = lastBackup();
    assertThat(copying.stage).isEqualTo(RunStage.Copying);
    assertThat(copying.job).isEqualTo(job.getMetadata().getName());
    assertThat(copying.snapshots.get(0).readyToUse).isTrue();
    assertThat(JobOutcomeReader.backupId(job)).isEqualTo(id);
    assertThat(events(Reasons.BACKUP_STARTED)).singleElement().satisfies(e -> assertThat(e.getMessage())
        .isEqualTo("Manual backup " + id + " started: taking VolumeSnapshots of " + CLAIM));
    assertThat(events(Reasons.SNAPSHOTS_READY)).singleElement().satisfies(e -> assertThat(e.getMessage())
        .isEqualTo("backup " + id + " copies its snapshots in Job " + job.getMetadata().getName()));

    reconcile();
    assertThat(temporaryClaims()).as("kept while the Job reads them").hasSize(1);
    assertThat(driver().snapshots(NAMESPACE)).hasSize(1);

    harness.finishJob(job, true, Outcomes.succeeded(id, 4096).result(), null);
    reconcile();

    assertThat(lastBackup().phase).isEqualTo(BackupPhase.Succeeded);
    assertThat(lastBackup().snapshots).as("what the run read stays on record").hasSize(1);
    assertThat(temporaryClaims()).isEmpty();
    assertThat(driver().snapshots(NAMESPACE)).isEmpty();
    assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(CLAIM).get()).as("the app's claim").isNotNull();
  }

  @Test
  void aReadWriteOncePodClaimInUseIsBackedUpFromItsSnapshotWithoutWaitingForItsNode() {
    client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(CLAIM).delete();
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim(CLAIM, "ReadWriteOncePod")).create();
    client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName("rose-0")
        .withNamespace(NAMESPACE).endMetadata().withNewSpec().withNodeName("node-a").addNewContainer().withName("rose")
        .withImage("rose:1").endContainer().addNewVolume().withName("data").withNewPersistentVolumeClaim(CLAIM, false)
        .endVolume().endSpec().withNewStatus().withPhase("Running").endStatus().build()).create();
    VolumeSnapshot snapshot = runTakingItsSnapshot(snapshotPolicy());
    driver().ready(snapshot, "1Gi");

    reconcile();

    assertThat(runJobs()).singleElement().satisfies(job -> {
      assertThat(pod(job).getNodeName()).isNull();
      assertThat(pod(job).getAffinity()).isNull();
    });
    assertThat(temporaryClaims()).singleElement()
        .satisfies(claim -> assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOncePod"));
  }

  @Test
  void aSnapshotErrorFailsTheRunWithTheSnapshotsOwnMessageAndNoJob() {
    VolumeSnapshot snapshot = runTakingItsSnapshot(snapshotPolicy());
    String id = lastBackup().id;
    driver().failed(snapshot, "Failed to create snapshot: rpc error: code = ResourceExhausted desc = snapshot quota exceeded");

    reconcile();

    BackupRun run = lastBackup();
    assertThat(run.phase).isEqualTo(BackupPhase.Failed);
    assertThat(run.reason).isEqualTo(Reasons.SNAPSHOT_FAILED);
    assertThat(run.message).isEqualTo("VolumeSnapshot " + snapshot.getMetadata().getName() + " of PersistentVolumeClaim "
        + CLAIM + " failed: Failed to create snapshot: rpc error: code = ResourceExhausted desc = snapshot quota exceeded");
    assertThat(run.snapshots.get(0).error).contains("snapshot quota exceeded");
    assertCondition(harness.get(NAMESPACE, POLICY).getStatus().conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED,
        Conditions.FALSE, Reasons.SNAPSHOT_FAILED, "snapshot quota exceeded", 1L);
    assertThat(events(Reasons.BACKUP_FAILED)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).isEqualTo("backup " + id + " failed: " + run.message));
    assertThat(runJobs()).isEmpty();
    assertThat(driver().snapshots(NAMESPACE)).as("the failed snapshot is deleted too").isEmpty();
    assertThat(temporaryClaims()).isEmpty();
  }

  @Test
  void aSnapshotNotReadyWithinTheTimeoutFailsTheRunAtTheTimeout() {
    BackupPolicy policy = snapshotPolicy();
    policy.getSpec().snapshotTimeoutSeconds = 60;
    runTakingItsSnapshot(policy);
    String started = lastBackup().stageStartTime;

    clock.advance(Duration.ofSeconds(57));
    Optional<Duration> wait = reconcile();
    assertThat(lastBackup().phase).isEqualTo(BackupPhase.Running);
    assertThat(wait).as("woken at the timeout, not after").contains(Duration.ofSeconds(3));

    clock.advance(Duration.ofSeconds(3));
    reconcile();

    BackupRun run = lastBackup();
    assertThat(started).isNotNull();
    assertThat(run.phase).isEqualTo(BackupPhase.Failed);
    assertThat(run.reason).isEqualTo(Reasons.SNAPSHOT_TIMEOUT);
    assertThat(run.message).endsWith("was not ready to use within spec.snapshotTimeoutSeconds (60 s); "
        + "check its VolumeSnapshotClass and CSI driver");
    assertThat(runJobs()).isEmpty();
    assertThat(driver().snapshots(NAMESPACE)).isEmpty();
  }

  @Test
  void withoutTheSnapshotApiTheRunFailsAsSnapshotsUnavailableAndDirectPoliciesStillRun() {
    SnapshotDriver.apiNotServed(server, NAMESPACE, Snapshots.temporarySelector(POLICY));
    harness.create(snapshotPolicy());

    reconcile();
    reconcile();

    BackupRun run = lastBackup();
    assertThat(run.phase).isEqualTo(BackupPhase.Failed);
    assertThat(run.reason).isEqualTo(Reasons.SNAPSHOTS_UNAVAILABLE);
    assertThat(run.message).isEqualTo("copyMethod: Snapshot needs the VolumeSnapshot API (snapshot.storage.k8s.io/v1), "
        + "which this cluster does not serve: install the CSI external-snapshotter's CRDs and snapshot controller, "
        + "or use copyMethod: Direct");
    assertCondition(harness.get(NAMESPACE, POLICY).getStatus().conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED,
        Conditions.FALSE, Reasons.SNAPSHOTS_UNAVAILABLE, "does not serve", 1L);
    assertThat(runJobs()).isEmpty();

    BackupPolicy direct = Fixtures.dailyPolicy();
    direct.getMetadata().setName("rose-direct");
    direct.getSpec().trigger = new Trigger();
    direct.getSpec().trigger.manual = "now";
    harness.create(direct);
    harness.reconcile(NAMESPACE, "rose-direct");

    assertThat(harness.get(NAMESPACE, "rose-direct").getStatus().lastBackup.phase).isEqualTo(BackupPhase.Running);
    assertThat(runJobs()).singleElement()
        .satisfies(job -> assertThat(job.getMetadata().getLabels()).containsEntry(Lifeboat.POLICY_LABEL, "rose-direct"));
  }

  @Test
  void afterARestartLeftoversOfEarlierRunsAreDeletedAndNothingElse() {
    String old = "20251101T020000Z";
    BackupPolicy policy = harness.create(snapshotPolicy());
    policy.getSpec().trigger = null;
    VolumeSnapshot leftover = Snapshots.desired(policy, old, CLAIM);
    client.resource(leftover).create();
    client.resource(TemporaryClaims.desired(policy, old, Fixtures.boundClaim(CLAIM), leftover)).create();
    VolumeSnapshot othersPolicy = Snapshots.desired(policy, old, CLAIM);
    othersPolicy.getMetadata().setName("lb-other-20251101t020000z-memory-data");
    othersPolicy.getMetadata().getLabels().put(Lifeboat.POLICY_LABEL, "other");
    client.resource(othersPolicy).create();
    VolumeSnapshot usersOwn = new VolumeSnapshot();
    usersOwn.setMetadata(new ObjectMetaBuilder().withName("before-upgrade").withNamespace(NAMESPACE)
        .withLabels(Map.of(Lifeboat.POLICY_LABEL, POLICY)).build());
    client.resource(usersOwn).create();
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim("uploads")).create();

    harness.newOperatorInstance();
    reconcile(); // the manual run starts: its own objects are kept, the old run's go
    reconcile();

    String running = lastBackup().id;
    assertThat(driver().snapshots(NAMESPACE)).extracting(s -> s.getMetadata().getName()).containsExactlyInAnyOrder(
        lastBackup().snapshots.get(0).snapshot, "lb-other-20251101t020000z-memory-data", "before-upgrade");
    assertThat(temporaryClaims()).isEmpty();
    assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems())
        .extracting(c -> c.getMetadata().getName()).containsExactlyInAnyOrder(CLAIM, "uploads");
    assertThat(running).isNotEqualTo(old);
  }
}
