package dev.lifeboat.testing;

import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import dev.lifeboat.snapshot.v1.VolumeSnapshotStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Plays the CSI external-snapshotter for reconciler tests (the API server stand-in runs no
 * controllers): marks a VolumeSnapshot ready or failed as the snapshot controller does, or makes the
 * API server answer as one that does not serve the snapshot API. A real controller also creates a
 * VolumeSnapshotContent and asks the CSI driver; only the VolumeSnapshot's status is what Lifeboat reads.
 */
public final class SnapshotDriver {
  private final KubernetesClient client;

  public SnapshotDriver(KubernetesClient client) {
    this.client = client;
  }

  public List<VolumeSnapshot> snapshots(String namespace) {
    return client.resources(VolumeSnapshot.class).inNamespace(namespace).list().getItems();
  }

  /** Bound to a content, ready to use, a volume from it at least {@code restoreSize} large. */
  public void ready(VolumeSnapshot snapshot, String restoreSize) {
    setStatus(snapshot, status -> {
      status.boundVolumeSnapshotContentName = "snapcontent-" + snapshot.getMetadata().getUid();
      status.readyToUse = true;
      status.restoreSize = new Quantity(restoreSize);
      status.creationTime = snapshot.getMetadata().getCreationTimestamp();
    });
  }

  /** The snapshot controller's error, as it writes it to status.error. */
  public void failed(VolumeSnapshot snapshot, String message) {
    setStatus(snapshot, status -> {
      status.readyToUse = false;
      status.error = new VolumeSnapshotStatus.Error();
      status.error.message = message;
      status.error.time = snapshot.getMetadata().getCreationTimestamp();
    });
  }

  private void setStatus(VolumeSnapshot snapshot, Consumer<VolumeSnapshotStatus> change) {
    client.resources(VolumeSnapshot.class).inNamespace(snapshot.getMetadata().getNamespace())
        .withName(snapshot.getMetadata().getName()).edit(current -> {
          VolumeSnapshotStatus status = current.getStatus() == null ? new VolumeSnapshotStatus() : current.getStatus();
          change.accept(status);
          current.setStatus(status);
          return current;
        });
  }

  /**
   * The API server answers creating or listing VolumeSnapshots in {@code namespace} (the list by the
   * selector of {@code policy}'s temporary objects) with 404, as one without the snapshot CRD does.
   */
  public static void apiNotServed(KubernetesMockServer server, String namespace, String temporarySelector) {
    String path = "/apis/snapshot.storage.k8s.io/v1/namespaces/" + namespace + "/volumesnapshots";
    var notFound = new StatusBuilder().withStatus("Failure").withReason("NotFound").withCode(404)
        .withMessage("the server could not find the requested resource").build();
    server.expect().post().withPath(path).andReturn(404, notFound).always();
    server.expect().get().withPath(path + "?labelSelector=" + URLEncoder.encode(temporarySelector, StandardCharsets.UTF_8))
        .andReturn(404, notFound).always();
  }
}
