package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.NewClaim;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreTarget;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * The PVC a restore writes into: an existing one, or a new one created here. A created claim has
 * no owner reference (the restored data must outlive the RestoreRequest); an annotation naming the
 * RestoreRequest lets a retried reconcile recognise it as its own.
 */
public class TargetClaim {
  private final KubernetesClient client;

  public TargetClaim(KubernetesClient client) {
    this.client = client;
  }

  /** Ready to restore into, waiting for the claim to appear, or impossible. */
  public record Check(boolean ready, String reason, String message) {}

  public static String name(RestoreTarget target) {
    return target.claim != null ? target.claim : target.newClaim.name;
  }

  /** Null when the subPath is usable; otherwise a message naming the field. */
  public static String subPathProblem(RestoreTarget target) {
    String subPath = target.subPath;
    if (subPath == null || subPath.isEmpty()) {
      return null;
    }
    if (subPath.startsWith("/") || List.of(subPath.split("/")).stream().anyMatch(s -> s.equals("..") || s.equals("."))) {
      return "spec.target.subPath: '" + subPath + "' must be a relative path inside the volume, without . or .. segments";
    }
    return null;
  }

  public Check prepare(RestoreRequest request) {
    String namespace = request.getMetadata().getNamespace();
    RestoreTarget target = request.getSpec().target;
    String name = name(target);
    PersistentVolumeClaim existing = client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
    if (target.claim != null) {
      return existing != null ? new Check(true, null, null)
          : new Check(false, Reasons.WAITING_FOR_CLAIM, "waiting for PersistentVolumeClaim " + name
              + " (spec.target.claim) to exist in namespace " + namespace);
    }
    String restoreName = request.getMetadata().getName();
    if (existing != null) {
      boolean ours = existing.getMetadata().getAnnotations() != null
          && restoreName.equals(existing.getMetadata().getAnnotations().get(Lifeboat.RESTORE_LABEL));
      return ours ? new Check(true, null, null)
          : new Check(false, Reasons.CLAIM_EXISTS, "spec.target.newClaim.name: PersistentVolumeClaim " + name
              + " already exists in namespace " + namespace + "; restore into it with spec.target.claim, or choose a new name");
    }
    NewClaim spec = target.newClaim;
    client.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
        .addToLabels(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE)
        .addToAnnotations(Lifeboat.RESTORE_LABEL, restoreName)
        .endMetadata()
        .withNewSpec()
        .withAccessModes(spec.accessModes == null || spec.accessModes.isEmpty() ? List.of("ReadWriteOnce") : spec.accessModes)
        .withStorageClassName(spec.storageClassName == null || spec.storageClassName.isBlank() ? null : spec.storageClassName)
        .withNewResources().addToRequests("storage", spec.size).endResources()
        .endSpec()
        .build()).create();
    return new Check(true, null, null);
  }
}
