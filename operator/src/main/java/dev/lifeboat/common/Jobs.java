package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.Lifeboat;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Comparator;
import java.util.Objects;
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

  /**
   * The informer a controller watches its own Jobs with: Lifeboat's label and the controller's
   * component, in the namespaces the controller watches. Owner references map a Job to its primary.
   */
  public static <P extends HasMetadata> InformerEventSource<Job, P> informer(Class<P> primary, String component,
      EventSourceContext<P> context) {
    var config = InformerEventSourceConfiguration.from(Job.class, primary)
        .withLabelSelector(Lifeboat.MANAGED_BY_LABEL + "=" + Lifeboat.MANAGED_BY_VALUE + ","
            + Lifeboat.COMPONENT_LABEL + "=" + component)
        .withNamespacesInheritedFromController()
        .build();
    return new InformerEventSource<>(config, context);
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

  /**
   * The owner's existing Job of that name; otherwise the desired one is created now and empty is
   * returned. A Job of that name left by an earlier object of the same name (deleted and created
   * again before the garbage collector got to its Jobs) is never taken for this one's: it is deleted,
   * and this owner's Job is created on a later look.
   */
  public Optional<Job> findOrCreate(HasMetadata owner, String namespace, String name, Supplier<Job> desired) {
    Optional<Job> existing = find(namespace, name);
    if (existing.isEmpty()) {
      createOnce(desired.get());
      return existing;
    }
    if (ownedBy(existing.get(), owner)) {
      return existing;
    }
    var labels = existing.get().getMetadata().getLabels();
    if (labels == null || !Lifeboat.MANAGED_BY_VALUE.equals(labels.get(Lifeboat.MANAGED_BY_LABEL))) {
      throw new IllegalStateException("Job " + namespace + "/" + name + " exists and is not Lifeboat's; delete or rename it");
    }
    LOG.info("deleting Job {}/{} of an earlier {} of the same name", namespace, name, owner.getKind());
    delete(namespace, name);
    return Optional.empty();
  }

  static boolean ownedBy(Job job, HasMetadata owner) {
    String uid = owner.getMetadata().getUid();
    return job.getMetadata().getOwnerReferences() != null && job.getMetadata().getOwnerReferences().stream()
        .anyMatch(ref -> uid != null && uid.equals(ref.getUid()));
  }

  /** The Job's newest pod (the current attempt), or none yet. */
  public Optional<Pod> newestPod(Job job) {
    return client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel("job-name", job.getMetadata().getName()).list().getItems().stream()
        .max(Comparator.comparing((Pod p) -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(p -> p.getMetadata().getName()));
  }

  /** Deletes a Job and, in the background, its pods. */
  public void delete(String namespace, String name) {
    client.batch().v1().jobs().inNamespace(namespace).withName(name)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
  }
}
