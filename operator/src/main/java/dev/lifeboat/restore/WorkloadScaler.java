package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.common.Checked;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stops and restarts the writers of a volume: reads replica counts, scales Deployments and
 * StatefulSets through their scale subresource (which can change nothing but the replica count, so
 * the operator needs no write access to the workloads themselves), and finds pods still running.
 */
public class WorkloadScaler {
  private final KubernetesClient client;

  public WorkloadScaler(KubernetesClient client) {
    this.client = client;
  }

  /** A workload's current spec, reduced to what scaling needs; empty when it does not exist. */
  record Workload(int replicas, LabelSelector selector) {}

  /** The targets with their current replica counts (spec.replicas, default 1), or the first missing one. */
  public Checked<List<ScaleTarget>> withReplicas(String namespace, List<ScaleTarget> targets) {
    List<ScaleTarget> recorded = new ArrayList<>();
    for (ScaleTarget target : targets) {
      Optional<Workload> workload = find(namespace, target);
      if (workload.isEmpty()) {
        return Checked.problem(Reasons.WORKLOAD_NOT_FOUND, describe(target)
            + " named in spec.scaleDown does not exist in namespace " + namespace);
      }
      ScaleTarget copy = new ScaleTarget();
      copy.kind = target.kind;
      copy.name = target.name;
      copy.replicas = workload.get().replicas();
      recorded.add(copy);
    }
    return Checked.of(recorded);
  }

  /** Sets spec.replicas; false when the workload no longer exists. */
  public boolean scale(String namespace, ScaleTarget target, int replicas) {
    Optional<Workload> workload = find(namespace, target);
    if (workload.isEmpty()) {
      return false;
    }
    if (workload.get().replicas() != replicas) {
      // No resourceVersion: an unconditional update of the count, as `kubectl scale` makes.
      Scale scale = new ScaleBuilder()
          .withNewMetadata().withName(target.name).withNamespace(namespace).endMetadata()
          .withNewSpec().withReplicas(replicas).endSpec()
          .build();
      if ("StatefulSet".equals(target.kind)) {
        client.apps().statefulSets().inNamespace(namespace).withName(target.name).scale(scale);
      } else {
        client.apps().deployments().inNamespace(namespace).withName(target.name).scale(scale);
      }
    }
    return true;
  }

  /** Names of pods of these workloads that still exist (a terminating pod still holds the volume). */
  public List<String> remainingPods(String namespace, List<ScaleTarget> targets) {
    List<String> remaining = new ArrayList<>();
    for (ScaleTarget target : targets) {
      Optional<Workload> workload = find(namespace, target);
      LabelSelector selector = workload.isEmpty() ? null : workload.get().selector();
      if (selector == null) {
        continue;
      }
      // Matched here rather than by the API server's labelSelector, so matchExpressions count the same
      // against every API server (the test stand-in ignores them and would return the whole namespace).
      client.pods().inNamespace(namespace).list().getItems().stream()
          .filter(p -> selects(selector, p.getMetadata().getLabels()))
          .filter(WorkloadScaler::holdsVolume)
          .map(p -> p.getMetadata().getName())
          .forEach(remaining::add);
    }
    return remaining;
  }

  /** Kubernetes label selector semantics; an empty selector selects nothing here (a workload always has one). */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> have = labels == null ? Map.of() : labels;
    Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of()
        : selector.getMatchExpressions();
    if (matchLabels.isEmpty() && expressions.isEmpty()) {
      return false;
    }
    if (!matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())))) {
      return false;
    }
    return expressions.stream().allMatch(r -> {
      String value = have.get(r.getKey());
      List<String> values = r.getValues() == null ? List.of() : r.getValues();
      return switch (r.getOperator()) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> have.containsKey(r.getKey());
        case "DoesNotExist" -> !have.containsKey(r.getKey());
        default -> false;
      };
    });
  }

  public static String describe(ScaleTarget target) {
    return target.kind + "/" + target.name;
  }

  private static boolean holdsVolume(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private Optional<Workload> find(String namespace, ScaleTarget target) {
    if ("StatefulSet".equals(target.kind)) {
      StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(target.name).get();
      return Optional.ofNullable(set).map(s -> new Workload(replicas(s.getSpec().getReplicas()), s.getSpec().getSelector()));
    }
    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(target.name).get();
    return Optional.ofNullable(deployment)
        .map(d -> new Workload(replicas(d.getSpec().getReplicas()), d.getSpec().getSelector()));
  }

  private static int replicas(Integer replicas) {
    return replicas == null ? 1 : replicas;
  }
}
