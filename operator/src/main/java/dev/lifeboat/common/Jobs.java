package dev.lifeboat.common;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Lifeboat's Jobs exactly once and removes them. Every Job has a deterministic name, so a
 * create that finds the name taken (an earlier reconcile of the same step, or a second operator
 * replica) means the Job already exists: that is success, not an error.
 */
public final class Jobs {
  private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
  private final KubernetesClient client;

  public Jobs(KubernetesClient client) {
    this.client = client;
  }

  /** Creates the Job; a Job of that name already there counts as created. */
  public void createOnce(Job job) {
    try {
      client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).create();
      LOG.info("created Job {}/{}", job.getMetadata().getNamespace(), job.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** The Job of that name, or none. */
  public Optional<Job> find(String namespace, String name) {
    return Optional.ofNullable(client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
  }

  /** The existing Job of that name; otherwise the desired one is created now and empty is returned. */
  public Optional<Job> findOrCreate(String namespace, String name, Supplier<Job> desired) {
    Optional<Job> existing = find(namespace, name);
    if (existing.isEmpty()) {
      createOnce(desired.get());
    }
    return existing;
  }

  /** Deletes a Job and, in the background, its pods. */
  public void delete(String namespace, String name) {
    client.batch().v1().jobs().inNamespace(namespace).withName(name)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
  }
}
