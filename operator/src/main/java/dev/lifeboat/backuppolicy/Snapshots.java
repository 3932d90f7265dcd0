package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.TemporaryNames;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import dev.lifeboat.snapshot.v1.VolumeSnapshotSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Snapshot-mode run's VolumeSnapshots: what each looks like, how ready it is, and creating,
 * finding, listing and deleting them. The API is used without an informer (polled by the run), so
 * a cluster that does not serve it only fails the runs that need it.
 */
final class Snapshots {
  private final KubernetesClient client;

  Snapshots(KubernetesClient client) {
    this.client = client;
  }

  /** How far a snapshot is. */
  enum State { Pending, Ready, Failed, TimedOut }

  /** A snapshot's state, with its own error message when Failed. */
  record Observed(State state, String message) {}

  /** The cluster does not serve {@code snapshot.storage.k8s.io/v1} VolumeSnapshots (no CRD installed). */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  /** The VolumeSnapshot of {@code claim} for run {@code backupId}: temporary, owned by the policy. */
  static VolumeSnapshot desired(BackupPolicy policy, String backupId, String claim) {
    String name = policy.getMetadata().getName();
    VolumeSnapshot snapshot = new VolumeSnapshot();
    snapshot.setMetadata(new ObjectMetaBuilder().withName(TemporaryNames.of(name, backupId, claim))
        .withNamespace(policy.getMetadata().getNamespace()).withLabels(temporaryLabels(name, backupId))
        .withOwnerReferences(ownedBy(policy)).build());
    VolumeSnapshotSpec spec = new VolumeSnapshotSpec();
    spec.source = new VolumeSnapshotSpec.Source();
    spec.source.persistentVolumeClaimName = claim;
    String className = policy.getSpec().volumeSnapshotClassName;
    spec.volumeSnapshotClassName = className == null || className.isBlank() ? null : className;
    snapshot.setSpec(spec);
    return snapshot;
  }

  /** Labels of every temporary object of a run: Lifeboat's, the policy, the run, and the temporary marker. */
  static Map<String, String> temporaryLabels(String policy, String backupId) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE);
    labels.put(Lifeboat.POLICY_LABEL, policy);
    labels.put(Lifeboat.BACKUP_ID_LABEL, backupId);
    labels.put(Lifeboat.TEMPORARY_LABEL, "true");
    return labels;
  }

  /** The selector of a policy's temporary objects, of any run. */
  static String temporarySelector(String policy) {
    return Lifeboat.MANAGED_BY_LABEL + "=" + Lifeboat.MANAGED_BY_VALUE + "," + Lifeboat.POLICY_LABEL + "=" + policy
        + "," + Lifeboat.TEMPORARY_LABEL + "=true";
  }

  /**
   * Owned by the policy, not as its controller: deleting the policy deletes them (the garbage
   * collector), and they never wake its reconciler.
   */
  static OwnerReference ownedBy(BackupPolicy policy) {
    return new OwnerReferenceBuilder().withApiVersion(policy.getApiVersion()).withKind(policy.getKind())
        .withName(policy.getMetadata().getName()).withUid(policy.getMetadata().getUid()).withController(false)
        .withBlockOwnerDeletion(false).build();
  }

  /**
   * Ready once bound to its content and not saying it is unready: some drivers leave readyToUse
   * unset on a usable snapshot (VolSync reads it the same way). An error is Failed at once with the
   * snapshot's own message (the snapshot controller may retry, but the run does not wait on a guess);
   * still pending at {@code deadline} is TimedOut.
   */
  static Observed state(VolumeSnapshot snapshot, Instant deadline, Instant now) {
    var status = snapshot == null ? null : snapshot.getStatus();
    if (status != null && status.error != null && status.error.message != null && !status.error.message.isBlank()) {
      return new Observed(State.Failed, status.error.message);
    }
    if (status != null && status.boundVolumeSnapshotContentName != null
        && !status.boundVolumeSnapshotContentName.isBlank() && !Boolean.FALSE.equals(status.readyToUse)) {
      return new Observed(State.Ready, null);
    }
    return now.isBefore(deadline) ? new Observed(State.Pending, null) : new Observed(State.TimedOut, null);
  }

  /** Creates the snapshot; one of that name already there counts as created. */
  void createOnce(VolumeSnapshot snapshot) throws Unavailable {
    try {
      client.resource(snapshot).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw new Unavailable("copyMethod: Snapshot needs the VolumeSnapshot API (" + VolumeSnapshot.GROUP + "/"
            + VolumeSnapshot.VERSION + "), which this cluster does not serve: install the CSI external-snapshotter's "
            + "CRDs and snapshot controller, or use copyMethod: Direct");
      }
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  Optional<VolumeSnapshot> find(String namespace, String name) {
    return Optional.ofNullable(client.resources(VolumeSnapshot.class).inNamespace(namespace).withName(name).get());
  }

  /** The policy's temporary snapshots of any run; none when the cluster does not serve the API. */
  List<VolumeSnapshot> temporary(String namespace, String policy) {
    try {
      return client.resources(VolumeSnapshot.class).inNamespace(namespace)
          .withLabelSelector(temporarySelector(policy)).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
  }

  /** Deletes it; gone already (or being deleted, held by a finalizer) is fine. */
  void delete(String namespace, String name) {
    client.resources(VolumeSnapshot.class).inNamespace(namespace).withName(name).delete();
  }
}
