package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.NewClaim;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreTarget;
import dev.lifeboat.common.AgentJob;
import dev.lifeboat.common.ClaimPlacement;
import dev.lifeboat.common.ClaimUsers;
import dev.lifeboat.common.Problem;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/**
 * The PVC a restore writes into: an existing one, or a new one created here. A created claim has
 * no owner reference (the restored data must outlive the RestoreRequest); an annotation naming the
 * RestoreRequest lets a retried reconcile recognise it as its own.
 */
public class TargetClaim {
  private final KubernetesClient client;
  private final ClaimPlacement placement;
  private final ClaimUsers users;

  public TargetClaim(KubernetesClient client, ClaimPlacement placement, ClaimUsers users) {
    this.client = client;
    this.placement = placement;
    this.users = users;
  }

  /** Empty when the subPath is usable; otherwise the problem, naming the field. */
  public static Optional<Problem> subPathProblem(RestoreTarget target) {
    String subPath = target.subPath;
    if (subPath == null || subPath.isEmpty()) {
      return Optional.empty();
    }
    if (subPath.startsWith("/") || List.of(subPath.split("/")).stream().anyMatch(s -> s.equals("..") || s.equals("."))) {
      return Optional.of(new Problem(Reasons.INVALID_SPEC, "spec.target.subPath: '" + subPath
          + "' must be a relative path inside the volume, without . or .. segments"));
    }
    return Optional.empty();
  }

  /**
   * Makes the target ready: empty when it is; otherwise why not — {@link Reasons#WAITING_FOR_CLAIM}
   * while an existing claim named is yet to appear, any other reason when it never can be.
   */
  public Optional<Problem> prepare(RestoreRequest request) {
    String namespace = request.getMetadata().getNamespace();
    RestoreTarget target = request.getSpec().target;
    String name = RestoreTarget.claimName(target);
    if (name == null) {
      return Optional.empty(); // a command: nothing to prepare
    }
    PersistentVolumeClaim existing = client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
    if (target.claim != null) {
      return existing != null ? Optional.empty()
          : Optional.of(new Problem(Reasons.WAITING_FOR_CLAIM, "waiting for PersistentVolumeClaim " + name
              + " (spec.target.claim) to exist in namespace " + namespace));
    }
    String restoreName = request.getMetadata().getName();
    if (existing != null) {
      boolean ours = existing.getMetadata().getAnnotations() != null
          && restoreName.equals(existing.getMetadata().getAnnotations().get(Lifeboat.RESTORE_LABEL));
      return ours ? Optional.empty()
          : Optional.of(new Problem(Reasons.CLAIM_EXISTS, "spec.target.newClaim.name: PersistentVolumeClaim " + name
              + " already exists in namespace " + namespace + "; restore into it with spec.target.claim, or choose a new name"));
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
    return Optional.empty();
  }

  /**
   * The target as a Job mounts it: on the node of a pod still holding it when it is ReadWriteOnce,
   * as the identity of the pods (or workloads) that use it.
   */
  public RestoreJobBuilder.Target forJob(String namespace, String claim) {
    PersistentVolumeClaim target = get(namespace, claim);
    // A ReadWriteOncePod target in use was refused before any Job; anything else runs where it can.
    AgentJob.Placement where = target == null ? null : placement.of(namespace, List.of(target)).value();
    return new RestoreJobBuilder.Target(claim, where, users.identity(namespace, List.of(claim)));
  }

  /** Running pods that mount the target. */
  public List<Pod> podsUsing(String namespace, String claim) {
    return placement.podsUsing(namespace, claim);
  }

  public List<String> accessModes(String namespace, String claim) {
    return ClaimPlacement.accessModes(get(namespace, claim));
  }

  private PersistentVolumeClaim get(String namespace, String claim) {
    return client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get();
  }
}
