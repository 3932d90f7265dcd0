package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.Lifeboat;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads what the agent printed, from the newest pod of a Job (pods/log, served by the kubelet).
 * This is how the operator gets a listing too long for a termination message and a restore's
 * progress, without ever talking to S3 itself.
 */
public final class PodLogs {
  private final KubernetesClient client;

  public PodLogs(KubernetesClient client) {
    this.client = client;
  }

  /** The whole log of the agent container; empty when there is no pod or no log yet. */
  public Optional<String> all(Job job) {
    return newestPod(job).flatMap(pod -> read(pod, null));
  }

  /** The last lines of the agent container's log; empty when there is no pod or no log yet. */
  public Optional<String> tail(Job job, int lines) {
    return newestPod(job).flatMap(pod -> read(pod, lines));
  }

  private Optional<Pod> newestPod(Job job) {
    return client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel("job-name", job.getMetadata().getName()).list().getItems().stream()
        .max(Comparator.comparing((Pod p) -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(p -> p.getMetadata().getName()));
  }

  private Optional<String> read(Pod pod, Integer lines) {
    var container = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .inContainer(Lifeboat.AGENT_CONTAINER);
    try {
      return Optional.ofNullable(lines == null ? container.getLog() : container.tailingLines(lines).getLog());
    } catch (KubernetesClientException e) {
      // A pod still being created, or one whose node is gone, has no log: that is not an error here.
      return Optional.empty();
    }
  }
}
