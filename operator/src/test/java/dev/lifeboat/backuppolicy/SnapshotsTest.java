package dev.lifeboat.backuppolicy;

import static dev.lifeboat.testing.Fixtures.CLAIM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.CopyMethod;
import dev.lifeboat.api.v1alpha1.TemporaryNames;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import dev.lifeboat.snapshot.v1.VolumeSnapshotStatus;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's VolumeSnapshots and the temporary claims made from them, built without a cluster; how ready a snapshot is. */
class SnapshotsTest {
  static final String ID = "20251109T020000Z";
  static final Instant NOW = Instant.parse("2025-11-09T02:01:00Z");
  static final Instant DEADLINE = Instant.parse("2025-11-09T02:10:00Z");

  static BackupPolicy policy() {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getMetadata().setUid("0b4e0c8e-5d2a-4c3f-9a51-6f0d2b7c1e11");
    policy.getSpec().copyMethod = CopyMethod.Snapshot;
    policy.getSpec().volumeSnapshotClassName = "csi-hostpath-snapclass";
    return policy;
  }

  static VolumeSnapshot withStatus(VolumeSnapshotStatus status) {
    VolumeSnapshot snapshot = Snapshots.desired(policy(), ID, CLAIM);
    snapshot.setStatus(status);
    return snapshot;
  }

  static VolumeSnapshotStatus bound(Boolean readyToUse) {
    VolumeSnapshotStatus status = new VolumeSnapshotStatus();
    status.boundVolumeSnapshotContentName = "snapcontent-1";
    status.readyToUse = readyToUse;
    return status;
  }

  @Test
  void aSnapshotIsNamedForPolicyRunAndClaimAndSnapshotsTheClaimWithTheClass() {
    VolumeSnapshot snapshot = Snapshots.desired(policy(), ID, CLAIM);

    assertThat(snapshot.getMetadata().getName()).isEqualTo("lb-rose-memory-20251109t020000z-memory-data");
    assertThat(snapshot.getMetadata().getNamespace()).isEqualTo(Fixtures.NAMESPACE);
    assertThat(snapshot.getApiVersion()).isEqualTo("snapshot.storage.k8s.io/v1");
    assertThat(snapshot.getSpec().source.persistentVolumeClaimName).isEqualTo(CLAIM);
    assertThat(snapshot.getSpec().volumeSnapshotClassName).isEqualTo("csi-hostpath-snapclass");
  }

  @Test
  void withoutAClassTheClustersDefaultClassIsLeftToChoose() {
    BackupPolicy policy = policy();
    policy.getSpec().volumeSnapshotClassName = " ";

    assertThat(Snapshots.desired(policy, ID, CLAIM).getSpec().volumeSnapshotClassName).isNull();
  }

  @Test
  void temporaryObjectsAreLabelledForPolicyAndRunAndOwnedByThePolicyButNotControlledByIt() {
    VolumeSnapshot snapshot = Snapshots.desired(policy(), ID, CLAIM);

    assertThat(snapshot.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "app.kubernetes.io/managed-by", "lifeboat", "lifeboat.dev/policy", Fixtures.POLICY,
        "lifeboat.dev/backup-id", ID, "lifeboat.dev/temporary", "true"));
    assertThat(snapshot.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getKind()).isEqualTo("BackupPolicy");
      assertThat(owner.getName()).isEqualTo(Fixtures.POLICY);
      assertThat(owner.getUid()).isEqualTo("0b4e0c8e-5d2a-4c3f-9a51-6f0d2b7c1e11");
      assertThat(owner.getController()).isFalse();
    });
    assertThat(Snapshots.temporarySelector(Fixtures.POLICY))
        .isEqualTo("app.kubernetes.io/managed-by=lifeboat,lifeboat.dev/policy=rose-memory,lifeboat.dev/temporary=true");
  }

  @Test
  void longNamesAreShortenedTo63CharactersAndStayDistinctPerClaim() {
    String policy = "a-policy-with-a-rather-long-name-for-the-photos-of-the-app";
    String first = TemporaryNames.of(policy, ID, "uploads-of-the-first-tenant");
    String second = TemporaryNames.of(policy, ID, "uploads-of-the-second-tenant");

    assertThat(first).hasSizeLessThanOrEqualTo(63).startsWith("lb-a-policy-with").matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(second).hasSizeLessThanOrEqualTo(63).isNotEqualTo(first);
    assertThat(TemporaryNames.of(policy, ID, "uploads-of-the-first-tenant")).as("deterministic").isEqualTo(first);
  }

  @Test
  void boundAndReadyIsReadyAndBoundWithReadinessUnsetIsReadyTooAsVolSyncReadsIt() {
    assertThat(Snapshots.state(withStatus(bound(true)), DEADLINE, NOW).state()).isEqualTo(Snapshots.State.Ready);
    assertThat(Snapshots.state(withStatus(bound(null)), DEADLINE, NOW).state()).isEqualTo(Snapshots.State.Ready);
  }

  @Test
  void notBoundOrSayingItIsNotReadyIsPendingUntilTheDeadlineThenTimedOut() {
    VolumeSnapshotStatus unbound = new VolumeSnapshotStatus();
    unbound.readyToUse = true;

    assertThat(Snapshots.state(withStatus(null), DEADLINE, NOW).state()).isEqualTo(Snapshots.State.Pending);
    assertThat(Snapshots.state(withStatus(unbound), DEADLINE, NOW).state()).isEqualTo(Snapshots.State.Pending);
    assertThat(Snapshots.state(withStatus(bound(false)), DEADLINE, NOW).state()).isEqualTo(Snapshots.State.Pending);
    assertThat(Snapshots.state(null, DEADLINE, NOW).state()).as("not created yet").isEqualTo(Snapshots.State.Pending);
    assertThat(Snapshots.state(withStatus(bound(false)), DEADLINE, DEADLINE).state()).isEqualTo(Snapshots.State.TimedOut);
  }

  @Test
  void anErrorFailsWithTheSnapshotsOwnMessage() {
    VolumeSnapshotStatus status = new VolumeSnapshotStatus();
    status.error = new VolumeSnapshotStatus.Error();
    status.error.message = "Failed to check and update snapshot content: rpc error: code = ResourceExhausted";

    Snapshots.Observed observed = Snapshots.state(withStatus(status), DEADLINE, NOW);

    assertThat(observed.state()).isEqualTo(Snapshots.State.Failed);
    assertThat(observed.message()).isEqualTo(status.error.message);
  }

  @Test
  void aTemporaryClaimIsAsLargeAsTheSnapshotSaysWithTheOriginalsClassAndAccessModes() {
    PersistentVolumeClaim original = Fixtures.boundClaim(CLAIM, "ReadWriteOncePod");
    original.getSpec().setStorageClassName("csi-hostpath-sc");
    VolumeSnapshotStatus status = bound(true);
    status.restoreSize = new Quantity("2Gi");

    PersistentVolumeClaim claim = TemporaryClaims.desired(policy(), ID, original, withStatus(status));

    assertThat(claim.getMetadata().getName()).isEqualTo("lb-rose-memory-20251109t020000z-memory-data");
    assertThat(claim.getMetadata().getLabels()).isEqualTo(Snapshots.desired(policy(), ID, CLAIM).getMetadata().getLabels());
    assertThat(claim.getMetadata().getOwnerReferences()).isEqualTo(
        Snapshots.desired(policy(), ID, CLAIM).getMetadata().getOwnerReferences());
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("csi-hostpath-sc");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOncePod");
    assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("2Gi"));
    assertThat(claim.getSpec().getDataSource()).satisfies(source -> {
      assertThat(source.getApiGroup()).isEqualTo("snapshot.storage.k8s.io");
      assertThat(source.getKind()).isEqualTo("VolumeSnapshot");
      assertThat(source.getName()).isEqualTo("lb-rose-memory-20251109t020000z-memory-data");
    });
  }

  @Test
  void withoutARestoreSizeTheOriginalsCapacityAndElseItsRequestSizeTheClaim() {
    PersistentVolumeClaim requested = Fixtures.boundClaim(CLAIM);
    PersistentVolumeClaim bound = Fixtures.boundClaim(CLAIM);
    bound.getStatus().setCapacity(Map.of("storage", new Quantity("5Gi")));

    assertThat(TemporaryClaims.desired(policy(), ID, bound, withStatus(bound(true)))
        .getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("5Gi"));
    assertThat(TemporaryClaims.desired(policy(), ID, requested, withStatus(bound(true)))
        .getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
  }
}
