package dev.lifeboat.common;

import java.util.Arrays;
import java.util.List;

/**
 * The image backup and restore Jobs run, and the Secrets their pods pull it with. A Job's
 * imagePullSecrets are looked up in the Job's own namespace (the policy's or the request's), so
 * each of these Secrets must exist in every namespace where Jobs run; a missing one is only a
 * warning Event from the kubelet, and a public image needs none.
 *
 * @param name the image reference
 * @param pullSecrets names of kubernetes.io/dockerconfigjson Secrets, in the order given
 */
public record AgentImage(String name, List<String> pullSecrets) {
  public AgentImage {
    pullSecrets = List.copyOf(pullSecrets);
  }

  /** An image pulled without credentials. */
  public static AgentImage of(String name) {
    return new AgentImage(name, List.of());
  }

  /** {@code name} with the comma-separated Secret names of LIFEBOAT_AGENT_IMAGE_PULL_SECRETS (null or blank: none). */
  public static AgentImage of(String name, String pullSecrets) {
    return new AgentImage(name, pullSecrets == null ? List.of()
        : Arrays.stream(pullSecrets.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList());
  }

  @Override
  public String toString() {
    return pullSecrets.isEmpty() ? name : name + " (pull secrets " + String.join(", ", pullSecrets) + ")";
  }
}
