package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who uses a claim, to run a Job as them ({@link JobIdentity}): the pods that mount it now; for a
 * claim no pod mounts (the app is scaled down, or a restore target not yet used), the Deployments'
 * and StatefulSets' pod templates that name it, also through a StatefulSet's volumeClaimTemplates.
 */
public final class ClaimUsers {
  private final KubernetesClient client;

  public ClaimUsers(KubernetesClient client) {
    this.client = client;
  }

  /** The identity of the users of all these claims; a problem when they disagree. */
  public Checked<JobIdentity.Found> identity(String namespace, List<String> claims) {
    JobIdentity.Found agreed = JobIdentity.Found.NONE;
    for (String claim : claims) {
      Checked<JobIdentity.Found> one = JobIdentity.of(users(namespace, claim), claim);
      if (!one.ok()) {
        return one;
      }
      if (one.value().identity() == null) {
        continue;
      }
      if (agreed.identity() != null && !agreed.identity().equals(one.value().identity())) {
        return Checked.problem(Reasons.PODS_DISAGREE, "the users of the claims run as "
            + "different users (" + agreed.describe() + "; " + one.value().describe() + "); the Job runs as uid "
            + AgentJob.DEFAULT_USER + ": set jobTemplate.podSecurityContext to choose");
      }
      agreed = one.value();
    }
    return Checked.of(agreed);
  }

  /** By "pod NAME" or "Deployment NAME": the specs of those that mount the claim. */
  Map<String, PodSpec> users(String namespace, String claim) {
    Map<String, PodSpec> users = new LinkedHashMap<>();
    for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      boolean alive = !"Succeeded".equals(phase) && !"Failed".equals(phase);
      boolean ours = pod.getMetadata().getLabels() != null
          && "lifeboat".equals(pod.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
      if (alive && !ours && mounts(pod.getSpec(), claim)) {
        users.put("pod " + pod.getMetadata().getName(), pod.getSpec());
      }
    }
    if (!users.isEmpty()) {
      return users;
    }
    client.apps().deployments().inNamespace(namespace).list().getItems().forEach(d -> template(users,
        "Deployment " + d.getMetadata().getName(), d.getSpec() == null ? null : d.getSpec().getTemplate(), claim));
    for (StatefulSet set : client.apps().statefulSets().inNamespace(namespace).list().getItems()) {
      PodTemplateSpec template = set.getSpec() == null ? null : set.getSpec().getTemplate();
      String name = "StatefulSet " + set.getMetadata().getName();
      template(users, name, template, claim);
      if (template != null && template.getSpec() != null && set.getSpec().getVolumeClaimTemplates() != null) {
        // Claims from volumeClaimTemplates are named <template>-<statefulset>-<ordinal>.
        set.getSpec().getVolumeClaimTemplates().stream()
            .filter(t -> claim.startsWith(t.getMetadata().getName() + "-" + set.getMetadata().getName() + "-"))
            .findFirst()
            .ifPresent(t -> users.put(name, withClaimVolume(template.getSpec(), t.getMetadata().getName(), claim)));
      }
    }
    return users;
  }

  private static void template(Map<String, PodSpec> users, String name, PodTemplateSpec template, String claim) {
    if (template != null && template.getSpec() != null && mounts(template.getSpec(), claim)) {
      users.put(name, template.getSpec());
    }
  }

  /** A StatefulSet's pod spec seen from one ordinal: its claim template's volume is that claim. */
  private static PodSpec withClaimVolume(PodSpec spec, String volume, String claim) {
    PodSpec copy = new PodSpecBuilder(spec).build();
    copy.setVolumes(new ArrayList<>(copy.getVolumes() == null ? List.of() : copy.getVolumes()));
    copy.getVolumes().add(new VolumeBuilder().withName(volume)
        .withNewPersistentVolumeClaim(claim, false).build());
    return copy;
  }

  private static boolean mounts(PodSpec spec, String claim) {
    return spec.getVolumes() != null && spec.getVolumes().stream()
        .map(v -> v.getPersistentVolumeClaim())
        .filter(Objects::nonNull)
        .anyMatch(pvc -> claim.equals(pvc.getClaimName()));
  }
}
