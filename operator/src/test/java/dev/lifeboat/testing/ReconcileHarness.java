package dev.lifeboat.testing;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.backuppolicy.BackupPolicyReconciler;
import dev.lifeboat.common.AgentResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Runs the BackupPolicy reconciler the way JOSDK does, one reconcile at a time at an instant the
 * test chooses: the primary is read from the API server, the secondary Jobs are those the Job
 * informer would hold (our label, this namespace, owned by the policy), and the returned
 * UpdateControl is applied (status patched). Also plays the Job controller and kubelet for
 * finishing a Job, since the API server stand-in runs no controllers.
 */
public final class ReconcileHarness {
  private final KubernetesClient client;
  private final MutableClock clock;
  private BackupPolicyReconciler reconciler;

  public ReconcileHarness(KubernetesClient client, MutableClock clock) {
    this.client = client;
    this.clock = clock;
    this.reconciler = newOperatorInstance();
  }

  /** Applies the CRDs the build generated, as a user installing Lifeboat would. */
  public static void installCrds(KubernetesClient client) {
    for (String crd : List.of("backuppolicies.lifeboat.dev-v1.yml", "restorerequests.lifeboat.dev-v1.yml")) {
      try (InputStream in = Files.newInputStream(ProjectFiles.resolve("operator/target/classes/META-INF/fabric8").resolve(crd))) {
        client.apiextensions().v1().customResourceDefinitions()
            .resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).createOr(c -> c.update());
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A brand-new reconciler instance: what a restarted operator starts with (nothing in memory). */
  public BackupPolicyReconciler newOperatorInstance() {
    reconciler = new BackupPolicyReconciler(client, clock, "lifeboat:test");
    return reconciler;
  }

  public BackupPolicy create(BackupPolicy policy) {
    // The API server stand-in stamps its own (real) creation time; the test's clock starts there.
    BackupPolicy created = client.resource(policy).create();
    clock.set(dev.lifeboat.common.Times.parse(created.getMetadata().getCreationTimestamp()));
    return created;
  }

  public BackupPolicy get(String namespace, String name) {
    return client.resources(BackupPolicy.class).inNamespace(namespace).withName(name).get();
  }

  /** One reconcile of the current API-server state; returns the requested reschedule delay, if any. */
  public Optional<Duration> reconcile(String namespace, String name) {
    return reconcile(get(namespace, name));
  }

  /** One reconcile of the given (possibly stale) copy, as JOSDK would with an informer cache that lags. */
  public Optional<Duration> reconcile(BackupPolicy policy) {
    try {
      UpdateControl<BackupPolicy> control = reconciler.reconcile(policy, new JobContext(policy));
      control.getResource().filter(r -> control.isPatchStatus()).ifPresent(r -> {
        r.getMetadata().setResourceVersion(null);
        client.resource(r).updateStatus();
      });
      return control.getScheduleDelay().map(Duration::ofMillis);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public List<Job> jobs(String namespace) {
    return client.batch().v1().jobs().inNamespace(namespace).withLabel(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE)
        .list().getItems();
  }

  /** What the Job controller and kubelet would do for a run that ended with this agent result. */
  public void finishJob(Job job, boolean succeeded, AgentResult result, String rawMessage) {
    String message = result != null ? result.toJson() : rawMessage;
    String ns = job.getMetadata().getNamespace();
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(job.getMetadata().getName() + "-x1z2q").withNamespace(ns)
        .addToLabels("job-name", job.getMetadata().getName())
        .addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .withNewStatus().withPhase(succeeded ? "Succeeded" : "Failed")
        .addNewContainerStatus().withName(Lifeboat.AGENT_CONTAINER).withNewState().withNewTerminated()
        .withExitCode(succeeded ? 0 : 1).withMessage(message).withReason(succeeded ? "Completed" : "Error")
        .endTerminated().endState().endContainerStatus()
        .endStatus().build()).create();
    Job latest = client.batch().v1().jobs().inNamespace(ns).withName(job.getMetadata().getName()).get();
    String now = dev.lifeboat.common.Times.rfc3339(clock.instant());
    latest.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
        .withStartTime(now)
        .withCompletionTime(succeeded ? now : null)
        .withSucceeded(succeeded ? 1 : 0)
        .withFailed(succeeded ? 0 : 1)
        .addToConditions(new JobConditionBuilder().withType(succeeded ? "Complete" : "Failed").withStatus("True")
            .withReason(succeeded ? null : "BackoffLimitExceeded").withLastTransitionTime(now).build())
        .build());
    client.batch().v1().jobs().inNamespace(ns).resource(latest).updateStatus();
  }

  /** The Context JOSDK hands the reconciler; only what Lifeboat's reconcilers use is backed. */
  private final class JobContext implements Context<BackupPolicy> {
    private final BackupPolicy primary;

    JobContext(BackupPolicy primary) {
      this.primary = primary;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Set<R> getSecondaryResources(Class<R> type) {
      if (!type.equals(Job.class)) {
        return Set.of();
      }
      Set<R> owned = new HashSet<>();
      for (Job job : jobs(primary.getMetadata().getNamespace())) {
        boolean ownedByPrimary = job.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> o.getUid() != null && o.getUid().equals(primary.getMetadata().getUid()));
        if (ownedByPrimary && "backup".equals(job.getMetadata().getLabels().get(Lifeboat.COMPONENT_LABEL))) {
          owned.add((R) job);
        }
      }
      return owned;
    }

    @Override
    public <R> Optional<R> getSecondaryResource(Class<R> type, String eventSourceName) {
      return getSecondaryResources(type).stream().findFirst();
    }

    @Override
    public KubernetesClient getClient() {
      return client;
    }

    @Override
    public BackupPolicy getPrimaryResource() {
      return primary;
    }

    @Override
    public Optional<RetryInfo> getRetryInfo() {
      return Optional.empty();
    }

    @Override
    public ControllerConfiguration<BackupPolicy> getControllerConfiguration() {
      throw new IllegalStateException("not used by Lifeboat's reconcilers");
    }

    @Override
    public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
      throw new IllegalStateException("not used by Lifeboat's reconcilers");
    }

    @Override
    public EventSourceRetriever<BackupPolicy> eventSourceRetriever() {
      throw new IllegalStateException("not used by Lifeboat's reconcilers");
    }

    @Override
    public ExecutorService getWorkflowExecutorService() {
      throw new IllegalStateException("not used by Lifeboat's reconcilers");
    }

    @Override
    public IndexedResourceCache<BackupPolicy> getPrimaryCache() {
      throw new IllegalStateException("not used by Lifeboat's reconcilers");
    }

    @Override
    public boolean isNextReconciliationImminent() {
      return false;
    }

    @Override
    public boolean isPrimaryResourceDeleted() {
      return false;
    }

    @Override
    public boolean isPrimaryResourceFinalStateUnknown() {
      return false;
    }
  }

  public static <T extends HasMetadata> String name(T resource) {
    return resource.getMetadata().getName();
  }
}
