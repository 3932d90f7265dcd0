package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RestoreRequest deleted before it finished: its Jobs are stopped, and once no pod of them is
 * left (so nothing writes into the volume any more) the workloads it scaled down are scaled back
 * to the recorded counts — deleting a restore must never leave the app down. Until then the
 * request's finalizer holds it.
 */
final class AbandonedRestore {
  private static final Logger LOG = LoggerFactory.getLogger(AbandonedRestore.class);
  private final KubernetesClient client;
  private final WorkloadScaler scaler;

  AbandonedRestore(KubernetesClient client, WorkloadScaler scaler) {
    this.client = client;
    this.scaler = scaler;
  }

  /** True when done (the finalizer may go); false while the Jobs' pods are still stopping. */
  boolean cleanUp(RestoreRequest request) {
    RestoreRequestStatus status = request.getStatus();
    if (status == null || status.stage == RestoreStage.Done) {
      return true; // a finished restore scaled back already; its Jobs go with it by owner reference
    }
    String namespace = request.getMetadata().getNamespace();
    String name = request.getMetadata().getName();
    // Deleted one by one, by name (a delete by label selector is RBAC's deletecollection), in the
    // foreground: the garbage collector deletes their pods, and the operator waits until no pod is
    // left before it scales the app back, without the power to delete pods itself.
    List<String> jobNames = client.batch().v1().jobs().inNamespace(namespace).withLabel(Lifeboat.RESTORE_LABEL, name)
        .list().getItems().stream().map(j -> j.getMetadata().getName()).toList();
    jobNames.forEach(job -> client.batch().v1().jobs().inNamespace(namespace).withName(job)
        .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete());
    // By the restore's label, which its Jobs' pods carry from their template: once a Job is gone, a
    // later pass would no longer find its pods by Job name while the garbage collector still deletes them.
    boolean podsLeft = !client.pods().inNamespace(namespace).withLabel(Lifeboat.RESTORE_LABEL, name)
        .list().getItems().isEmpty();
    if (podsLeft) {
      return false;
    }
    List<ScaleTarget> scaledDown = status.scaledDown == null ? List.of() : status.scaledDown;
    for (ScaleTarget workload : scaledDown) {
      int replicas = workload.replicas == null ? 1 : workload.replicas;
      boolean scaled = scaler.scale(namespace, workload, replicas);
      LOG.info("RestoreRequest {}/{} deleted at stage {}: {} {}", namespace, name, status.stage,
          WorkloadScaler.describe(workload), scaled ? "scaled back to " + replicas : "no longer exists");
    }
    return true;
  }
}
