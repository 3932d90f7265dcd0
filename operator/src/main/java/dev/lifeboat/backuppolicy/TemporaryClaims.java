package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.TemporaryNames;
import dev.lifeboat.common.SqliteScratch;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * The claims a Snapshot-mode run's Job reads: one per snapshot, provisioned from it. They are not
 * waited for: with WaitForFirstConsumer storage a claim binds only when the Job's pod is scheduled.
 */
final class TemporaryClaims {
  private final KubernetesClient client;

  TemporaryClaims(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The claim made from {@code snapshot} of {@code original}: as large as the snapshot says a volume
   * from it must be, else the original's capacity, else its request; the original's storage class
   * and access modes, so the same driver provisions it. Same name, labels and owner as the snapshot.
   */
  static PersistentVolumeClaim desired(BackupPolicy policy, String backupId, PersistentVolumeClaim original,
      VolumeSnapshot snapshot) {
    Quantity size = snapshot.getStatus() != null && snapshot.getStatus().restoreSize != null
        ? snapshot.getStatus().restoreSize : SqliteScratch.capacity(original);
    String name = policy.getMetadata().getName();
    var spec = original.getSpec();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(TemporaryNames.of(name, backupId, original.getMetadata().getName()))
        .withNamespace(policy.getMetadata().getNamespace()).withLabels(Snapshots.temporaryLabels(name, backupId))
        .withOwnerReferences(Snapshots.ownedBy(policy)).endMetadata()
        .withNewSpec()
        .withStorageClassName(spec == null ? null : spec.getStorageClassName())
        .withAccessModes(spec == null || spec.getAccessModes() == null ? List.of("ReadWriteOnce") : spec.getAccessModes())
        .withNewDataSource().withApiGroup(VolumeSnapshot.GROUP).withKind(VolumeSnapshot.KIND)
        .withName(snapshot.getMetadata().getName()).endDataSource()
        .withNewResources().addToRequests("storage", size).endResources()
        .endSpec().build();
  }

  /** Creates the claim; one of that name already there counts as created. */
  void createOnce(PersistentVolumeClaim claim) {
    try {
      client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(claim).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** The policy's temporary claims of any run. */
  List<PersistentVolumeClaim> temporary(String namespace, String policy) {
    return client.persistentVolumeClaims().inNamespace(namespace).withLabelSelector(Snapshots.temporarySelector(policy))
        .list().getItems();
  }

  void delete(String namespace, String name) {
    client.persistentVolumeClaims().inNamespace(namespace).withName(name).delete();
  }
}
