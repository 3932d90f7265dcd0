package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.Hook;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.common.ClaimPlacement;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The pods a hook runs in: those its podSelector picks or, by default, the running pods that mount
 * the policy's claims; Lifeboat's own Job pods never, pods that are not Running never (the exec
 * API needs a live container). Sorted by name, so a run goes through them in a predictable order.
 */
final class HookPods {
  /** A pod and the container the hook runs in; {@code containerFound} false when the pod has none of that name. */
  record Target(String pod, String containerName, boolean containerFound) {}

  private final KubernetesClient client;
  private final ClaimPlacement placement;

  HookPods(KubernetesClient client, ClaimPlacement placement) {
    this.client = client;
    this.placement = placement;
  }

  List<Target> of(String namespace, Hook hook, List<String> claims) {
    List<Pod> pods = hook.podSelector != null
        ? client.pods().inNamespace(namespace).withLabelSelector(hook.podSelector).list().getItems().stream()
            .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).toList()
        : placement.podsUsingAny(namespace, claims);
    return pods.stream()
        .filter(p -> p.getMetadata().getLabels() == null
            || !Lifeboat.MANAGED_BY_VALUE.equals(p.getMetadata().getLabels().get(Lifeboat.MANAGED_BY_LABEL)))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .map(p -> target(p, hook.container))
        .toList();
  }

  /** The named container (also a native sidecar: an init container that keeps running), else the first. */
  private static Target target(Pod pod, String wanted) {
    String name = pod.getMetadata().getName();
    List<Container> containers = pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
    if (wanted == null || wanted.isBlank()) {
      return containers.isEmpty() ? new Target(name, "", false) : new Target(name, containers.get(0).getName(), true);
    }
    boolean found = containers.stream().anyMatch(c -> wanted.equals(c.getName()))
        || Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of()).stream()
            .anyMatch(c -> wanted.equals(c.getName()) && "Always".equals(c.getRestartPolicy()));
    return new Target(name, wanted, found);
  }
}
