package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupSource;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.common.AgentJob.Placement;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.ClaimPlacement;
import dev.lifeboat.common.ClaimUsers;
import dev.lifeboat.common.JobIdentity;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/** Finds the PVCs a policy backs up, checks they exist and are bound, and where and as whom the Job must run. */
public class ClaimResolver {
  private final KubernetesClient client;
  private final ClaimPlacement placement;
  private final ClaimUsers users;

  public ClaimResolver(KubernetesClient client, ClaimPlacement placement, ClaimUsers users) {
    this.client = client;
    this.placement = placement;
    this.users = users;
  }

  /**
   * The claims of one run, sorted by name when selected, with where the Job must run (null:
   * anywhere) and as whom: the identity of the pods using them, or why there is none (null until
   * looked up).
   */
  public record Claims(List<PersistentVolumeClaim> claims, Placement placement, Checked<JobIdentity.Found> identity) {
    /** The identity the Job takes; null for the default. */
    public PodSecurityContext runAs() {
      return identity == null || !identity.ok() ? null : identity.value().identity();
    }

    public List<String> names() {
      return claims.stream().map(c -> c.getMetadata().getName()).toList();
    }
  }

  /** The claims named or selected; none for a policy of dumps only (no claims, no selector). */
  public Checked<Claims> resolve(String namespace, BackupSource source) {
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    if ((source.claims == null || source.claims.isEmpty()) && source.selector == null) {
      return Checked.of(new Claims(claims, null, null));
    }
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
        return Checked.problem(Reasons.CLAIM_NOT_FOUND, "PersistentVolumeClaim " + String.join(", ", missing)
            + " named in spec.source.claims does not exist in namespace " + namespace);
      }
    } else {
      claims.addAll(client.persistentVolumeClaims().inNamespace(namespace).withLabelSelector(source.selector).list().getItems());
      if (claims.isEmpty()) {
        return Checked.problem(Reasons.NO_CLAIMS_SELECTED,
            "spec.source.selector matches no PersistentVolumeClaim in namespace " + namespace);
      }
      claims.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
    }
    List<String> unbound = claims.stream()
        .filter(c -> c.getStatus() == null || !"Bound".equals(c.getStatus().getPhase()))
        .map(c -> c.getMetadata().getName() + " (" + (c.getStatus() == null ? "no status" : c.getStatus().getPhase()) + ")")
        .toList();
    if (!unbound.isEmpty()) {
      return Checked.problem(Reasons.CLAIM_NOT_BOUND, "PersistentVolumeClaim " + String.join(", ", unbound) + " is not bound yet");
    }
    return Checked.of(new Claims(claims, null, null));
  }

  /**
   * The claims of a Snapshot-mode run about to copy, in the order given, and as whom its Job runs:
   * anywhere, since it reads temporary claims made from snapshots, not the claims themselves.
   */
  public Checked<Claims> forSnapshotRun(String namespace, List<String> names) {
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    for (String name : names) {
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
      if (claim == null) {
        return Checked.problem(Reasons.CLAIM_NOT_FOUND, "PersistentVolumeClaim " + name
            + " was deleted while the backup took its snapshot");
      }
      claims.add(claim);
    }
    return Checked.of(new Claims(claims, null, users.identity(namespace, names)));
  }

  /**
   * Where and as whom the run's Job runs; lists the namespace's pods (and workloads), so only when a
   * run is about to start. Users that disagree on the identity are no failure: the Job takes the
   * default, and the identity's problem says who.
   */
  public Checked<Claims> forRun(String namespace, Claims resolved) {
    return placement.of(namespace, resolved.claims()).map(where -> new Claims(resolved.claims(), where,
        users.identity(namespace, resolved.names())));
  }
}
