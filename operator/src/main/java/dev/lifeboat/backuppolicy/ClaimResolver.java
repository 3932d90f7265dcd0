package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupSource;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.common.AgentJob.Placement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the PVCs a policy backs up, checks they exist and are bound, and works out where the Job
 * must run: a ReadWriteOnce volume that a running pod mounts can only be mounted on that pod's node.
 */
public class ClaimResolver {
  private final KubernetesClient client;

  public ClaimResolver(KubernetesClient client) {
    this.client = client;
  }

  /** Either claims (with an optional placement) or a problem with its reason and message. */
  public record Claims(List<PersistentVolumeClaim> claims, Placement placement, String problemReason, String problem) {
    public boolean ok() {
      return problem == null;
    }

    public List<String> names() {
      return claims.stream().map(c -> c.getMetadata().getName()).toList();
    }

    static Claims problem(String reason, String message) {
      return new Claims(List.of(), null, reason, message);
    }
  }

  public Claims resolve(String namespace, BackupSource source) {
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    if (source.claims != null && !source.claims.isEmpty()) {
      List<String> missing = new ArrayList<>();
      for (String name : source.claims) {
        PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
        if (claim == null) {
          missing.add(name);
        } else {
          claims.add(claim);
        }
      }
      if (!missing.isEmpty()) {
        return Claims.problem(Reasons.CLAIM_NOT_FOUND, "PersistentVolumeClaim " + String.join(", ", missing)
            + " named in spec.source.claims does not exist in namespace " + namespace);
      }
    } else {
      claims.addAll(client.persistentVolumeClaims().inNamespace(namespace).withLabelSelector(source.selector).list().getItems());
      if (claims.isEmpty()) {
        return Claims.problem(Reasons.NO_CLAIMS_SELECTED,
            "spec.source.selector matches no PersistentVolumeClaim in namespace " + namespace);
      }
      claims.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
    }
    List<String> unbound = claims.stream()
        .filter(c -> c.getStatus() == null || !"Bound".equals(c.getStatus().getPhase()))
        .map(c -> c.getMetadata().getName() + " (" + (c.getStatus() == null ? "no status" : c.getStatus().getPhase()) + ")")
        .toList();
    if (!unbound.isEmpty()) {
      return Claims.problem(Reasons.CLAIM_NOT_BOUND, "PersistentVolumeClaim " + String.join(", ", unbound) + " is not bound yet");
    }
    return new Claims(claims, null, null, null);
  }

  /**
   * Adds where the Job must run. Lists the namespace's pods, so it is called only when a run is
   * about to start, not on every reconcile.
   */
  public Claims withPlacement(String namespace, Claims resolved) {
    if (!resolved.ok()) {
      return resolved;
    }
    List<PersistentVolumeClaim> claims = resolved.claims();
    Map<String, String> nodeByClaim = new TreeMap<>();
    Set<Toleration> tolerations = new LinkedHashSet<>();
    List<Pod> running = null;
    for (PersistentVolumeClaim claim : claims) {
      List<String> modes = claim.getSpec() == null || claim.getSpec().getAccessModes() == null
          ? List.of() : claim.getSpec().getAccessModes();
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
        return Claims.problem(Reasons.CLAIM_IN_USE, "PersistentVolumeClaim " + name + " is ReadWriteOncePod and mounted by pod "
            + holders.get(0).getMetadata().getName() + "; back it up with copyMethod: Snapshot");
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
      return Claims.problem("ClaimsOnDifferentNodes", "ReadWriteOnce volumes are in use on different nodes "
          + nodeByClaim + "; one Job cannot mount them all; split the policy or use copyMethod: Snapshot");
    }
    Placement placement = nodes.isEmpty() ? null
        : new Placement(nodes.iterator().next(), List.copyOf(tolerations));
    return new Claims(claims, placement, null, null);
  }

  /** Running pods that mount the claim, on a node: the ones holding a ReadWriteOnce volume there. */
  public List<Pod> podsUsing(String namespace, String claim) {
    return runningPods(namespace).stream().filter(p -> mounts(p, claim)).toList();
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
