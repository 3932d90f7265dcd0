package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.common.AgentJob.Placement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the pods that hold a claim and works out where a Job that mounts the claims must run: a
 * ReadWriteOnce volume that a running pod mounts can only be mounted on that pod's node.
 */
public class ClaimPlacement {
  private final KubernetesClient client;

  public ClaimPlacement(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Where a Job mounting all these claims must run: null placement when anywhere will do. Lists
   * the namespace's pods, so it is called only when a Job is about to start.
   */
  public Checked<Placement> of(String namespace, List<PersistentVolumeClaim> claims) {
    Map<String, String> nodeByClaim = new TreeMap<>();
    Set<Toleration> tolerations = new LinkedHashSet<>();
    List<Pod> running = null;
    for (PersistentVolumeClaim claim : claims) {
      List<String> modes = accessModes(claim);
      boolean singleNode = modes.contains("ReadWriteOnce") || modes.contains("ReadWriteOncePod");
      boolean manyNodes = modes.contains("ReadWriteMany") || modes.contains("ReadOnlyMany");
      if (!singleNode || manyNodes) {
        continue;
      }
      if (running == null) {
        running = runningPods(namespace);
      }
      String name = claim.getMetadata().getName();
      List<Pod> holders = running.stream().filter(p -> mounts(p, name)).toList();
      if (holders.isEmpty()) {
        continue;
      }
      if (modes.contains("ReadWriteOncePod")) {
        return Checked.problem(Reasons.CLAIM_IN_USE, "PersistentVolumeClaim " + name
            + " is ReadWriteOncePod and mounted by pod " + holders.get(0).getMetadata().getName()
            + "; back it up with copyMethod: Snapshot");
      }
      nodeByClaim.put(name, holders.get(0).getSpec().getNodeName());
      holders.forEach(p -> {
        if (p.getSpec().getTolerations() != null) {
          tolerations.addAll(p.getSpec().getTolerations());
        }
      });
    }
    Set<String> nodes = new LinkedHashSet<>(nodeByClaim.values());
    if (nodes.size() > 1) {
      return Checked.problem(Reasons.CLAIMS_ON_DIFFERENT_NODES, "ReadWriteOnce volumes are in use on different nodes "
          + nodeByClaim + "; one Job cannot mount them all; split the policy or use copyMethod: Snapshot");
    }
    return Checked.of(nodes.isEmpty() ? null : new Placement(nodes.iterator().next(), List.copyOf(tolerations)));
  }

  /** Running pods that mount the claim, on a node: the ones holding a ReadWriteOnce volume there. */
  public List<Pod> podsUsing(String namespace, String claim) {
    return podsUsingAny(namespace, List.of(claim));
  }

  /** Running pods that mount at least one of the claims (one listing of the namespace's pods). */
  public List<Pod> podsUsingAny(String namespace, Collection<String> claims) {
    return runningPods(namespace).stream().filter(p -> claims.stream().anyMatch(claim -> mounts(p, claim))).toList();
  }

  public static List<String> accessModes(PersistentVolumeClaim claim) {
    return claim == null || claim.getSpec() == null || claim.getSpec().getAccessModes() == null ? List.of()
        : claim.getSpec().getAccessModes();
  }

  private List<Pod> runningPods(String namespace) {
    return client.pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
        .toList();
  }

  private static boolean mounts(Pod pod, String claim) {
    return pod.getSpec().getVolumes() != null && pod.getSpec().getVolumes().stream()
        .map(v -> v.getPersistentVolumeClaim())
        .filter(Objects::nonNull)
        .anyMatch(pvc -> claim.equals(pvc.getClaimName()));
  }
}
