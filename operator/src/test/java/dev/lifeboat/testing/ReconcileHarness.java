package dev.lifeboat.testing;

import dev.lifeboat.common.PrivilegedJobs;
import dev.lifeboat.common.AgentImage;
import dev.lifeboat.common.ControllerSettings;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.backuppolicy.BackupPolicyReconciler;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.CrossNamespaceRestore;
import dev.lifeboat.restore.RestoreJobBuilder;
import dev.lifeboat.restore.RestoreRequestReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
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
 * Runs Lifeboat's reconcilers the way JOSDK does, one reconcile at a time at an instant the
 * test chooses: the primary is read from the API server, the secondary Jobs are those the Job
 * informer would hold (our labels, this namespace, owned by the primary), and the returned
 * UpdateControl is applied (status patched). Also plays the Job controller and kubelet for
 * finishing a Job, since the API server stand-in runs no controllers.
 */
public final class ReconcileHarness {
  /** The agent image of the harness's Jobs. */
  public static final String AGENT_IMAGE = "lifeboat:test";
  /** How a stuck Job's message names its agent container waiting to start ({@link dev.lifeboat.common.StuckPods}). */
  public static final String AGENT_WAITING = "container agent (image " + AGENT_IMAGE + "): ";

  /** What {@code lifeboat agent list} prints for an empty repository. */
  public static final String EMPTY_LISTING = "[]\n";
  private final KubernetesClient client;
  /** The client the reconcilers (the operator process) talk through; the test's own {@code client} plays the cluster. */
  private KubernetesClient operatorClient;
  private final KubernetesMockServer server;
  private final MutableClock clock;
  private CrossNamespaceRestore crossNamespace = CrossNamespaceRestore.DENIED;
  private PrivilegedJobs privilegedJobs = PrivilegedJobs.NONE;
  private boolean hooksEnabled;
  private BackupPolicyReconciler reconciler;
  private RestoreRequestReconciler restoreReconciler;
  private String repositoryListing = EMPTY_LISTING;

  /**
   * {@code server} serves pod logs (the CRUD stand-in has no kubelet); its expectations answer
   * before the CRUD store does.
   */
  public ReconcileHarness(KubernetesClient client, KubernetesMockServer server, MutableClock clock) {
    this.client = client;
    this.server = server;
    this.clock = clock;
    newOperatorInstance(client);
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
  public void newOperatorInstance() {
    newOperatorInstance(operatorClient);
  }

  /**
   * A brand-new reconciler instance talking to the API server through {@code through} (e.g. a
   * client that dies at a chosen request, {@link OperatorCrash}).
   */
  public void newOperatorInstance(KubernetesClient through) {
    operatorClient = through;
    ControllerSettings settings = new ControllerSettings(AgentImage.of(AGENT_IMAGE), crossNamespace, privilegedJobs, hooksEnabled);
    reconciler = new BackupPolicyReconciler(through, clock, settings);
    restoreReconciler = new RestoreRequestReconciler(through, clock, settings);
  }

  /** Restarts the controllers with the operator setting privilegedJobNamespaces. */
  public void allowPrivilegedJobs(PrivilegedJobs rule) {
    privilegedJobs = rule;
    newOperatorInstance();
  }

  /** Restarts the controllers with hooks enabled (the chart's hooks.enabled). */
  public void enableHooks() {
    hooksEnabled = true;
    newOperatorInstance();
  }

  /** Restarts the controllers with the operator setting allowCrossNamespaceRestore. */
  public void allowCrossNamespaceRestore(CrossNamespaceRestore rule) {
    crossNamespace = rule;
    newOperatorInstance();
  }

  /**
   * What a policy's one-time listing Job finds: the harness completes that Job before each
   * reconcile with this as the agent's output; null leaves it running.
   */
  public void repositoryHolds(String listing) {
    repositoryListing = listing;
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
    String namespace = policy.getMetadata().getNamespace();
    completeDiscovery(namespace);
    Optional<Duration> wait = apply(reconciler, policy, "backup");
    if (completeDiscovery(namespace)) {
      // The listing the reconcile just started finished at once: carry on as the Job's event would.
      wait = apply(reconciler, get(namespace, policy.getMetadata().getName()), "backup");
    }
    return wait;
  }

  public RestoreRequest create(RestoreRequest request) {
    return client.resource(request).create();
  }

  public RestoreRequest getRestore(String namespace, String name) {
    return client.resources(RestoreRequest.class).inNamespace(namespace).withName(name).get();
  }

  /** One reconcile of a RestoreRequest as it is in the API server now. */
  public Optional<Duration> reconcileRestore(String namespace, String name) {
    return apply(restoreReconciler, getRestore(namespace, name), RestoreJobBuilder.COMPONENT);
  }

  private <P extends HasMetadata> Optional<Duration> apply(Reconciler<P> target, P primary, String component) {
    try {
      UpdateControl<P> control = target.reconcile(primary, new JobContext<>(primary, component));
      control.getResource().filter(r -> control.isPatchStatus()).ifPresent(r -> {
        r.getMetadata().setResourceVersion(null);
        operatorClient.resource(r).updateStatus();
      });
      return control.getScheduleDelay().map(Duration::ofMillis);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Completes the unfinished listing Jobs of policies with {@link #repositoryHolds}; true when there was one. */
  public boolean completeDiscovery(String namespace) {
    if (repositoryListing == null) {
      return false;
    }
    boolean completed = false;
    for (Job job : jobs(namespace)) {
      boolean listing = job.getMetadata().getAnnotations() != null
          && "list".equals(job.getMetadata().getAnnotations().get(Lifeboat.OPERATION_ANNOTATION));
      if (listing && "backup".equals(job.getMetadata().getLabels().get(Lifeboat.COMPONENT_LABEL))
          && (job.getStatus() == null || job.getStatus().getConditions() == null || job.getStatus().getConditions().isEmpty())) {
        finishJob(job, true, null, null, repositoryListing);
        completed = true;
      }
    }
    return completed;
  }

  public List<Job> jobs(String namespace) {
    return client.batch().v1().jobs().inNamespace(namespace).withLabel(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE)
        .list().getItems();
  }

  /** What the Job controller and kubelet would do for a run that ended with this agent result. */
  public void finishJob(Job job, boolean succeeded, AgentResult result, String rawMessage) {
    finishJob(job, succeeded, result, rawMessage, null);
  }

  /** As above, with what the agent printed, served as the pod's log. */
  public void finishJob(Job job, boolean succeeded, AgentResult result, String rawMessage, String log) {
    String message = result != null ? result.toJson() : rawMessage;
    if (log != null) {
      podLog(job.getMetadata().getNamespace(), podName(job), log);
    }
    endJob(job, succeeded, new PodStatusBuilder().withPhase(succeeded ? "Succeeded" : "Failed")
        .addNewContainerStatus().withName(Lifeboat.AGENT_CONTAINER).withNewState().withNewTerminated()
        .withExitCode(succeeded ? 0 : 1).withMessage(message).withReason(succeeded ? "Completed" : "Error")
        .endTerminated().endState().endContainerStatus().build());
  }

  /**
   * A restore drill with a check that ends: the agent (its init container) with {@code result}, then,
   * if the agent succeeded, the check container with {@code checkExit} and {@code checkMessage} (its
   * log tail, as FallbackToLogsOnError gives).
   */
  public void finishDrill(Job job, AgentResult result, int checkExit, String checkMessage) {
    boolean agentGood = result.succeeded();
    boolean succeeded = agentGood && checkExit == 0;
    var status = new PodStatusBuilder().withPhase(succeeded ? "Succeeded" : "Failed")
        .addNewInitContainerStatus().withName(Lifeboat.AGENT_CONTAINER).withNewState().withNewTerminated()
        .withExitCode(agentGood ? 0 : 1).withMessage(result.toJson()).withReason(agentGood ? "Completed" : "Error")
        .endTerminated().endState().endInitContainerStatus();
    status = agentGood
        ? status.addNewContainerStatus().withName(Lifeboat.CHECK_CONTAINER).withNewState().withNewTerminated()
            .withExitCode(checkExit).withMessage(checkMessage).withReason(checkExit == 0 ? "Completed" : "Error")
            .endTerminated().endState().endContainerStatus()
        : status.addNewContainerStatus().withName(Lifeboat.CHECK_CONTAINER).withNewState().withNewWaiting()
            .withReason("PodInitializing").endWaiting().endState().endContainerStatus();
    endJob(job, succeeded, status.build());
  }

  /** The Job's pod replaced by its end state {@code podStatus}, and the Job marked as the Job controller would. */
  private void endJob(Job job, boolean succeeded, PodStatus podStatus) {
    String ns = job.getMetadata().getNamespace();
    String pod = podName(job);
    client.pods().inNamespace(ns).withName(pod).delete(); // the running pod startJob made, now replaced by its end state
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(pod).withNamespace(ns)
        .addToLabels("job-name", job.getMetadata().getName())
        .addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .withStatus(podStatus).build()).create();
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

  /** A Job's pod as it runs: what the kubelet shows while the agent is still at work. */
  public void startJob(Job job, String log) {
    String ns = job.getMetadata().getNamespace();
    String pod = podName(job);
    podLog(ns, pod, log);
    if (client.pods().inNamespace(ns).withName(pod).get() == null) {
      client.pods().inNamespace(ns).resource(new PodBuilder()
          .withNewMetadata().withName(pod).withNamespace(ns)
          .withLabels(job.getSpec().getTemplate().getMetadata() == null ? null
              : job.getSpec().getTemplate().getMetadata().getLabels()) // as the Job controller copies them
          .addToLabels("job-name", job.getMetadata().getName())
          .endMetadata()
          .withSpec(job.getSpec().getTemplate().getSpec())
          .withNewStatus().withPhase("Running").endStatus().build()).create();
    }
  }

  /**
   * A Job's pod as the kubelet shows one whose container cannot be created: Pending on a node,
   * {@code status.startTime} at {@code since} (when the kubelet took the pod on), the agent
   * container waiting with {@code reason} (CreateContainerConfigError, ImagePullBackOff…) and the
   * kubelet's {@code message}.
   */
  public void podWaiting(Job job, String reason, String message, java.time.Instant since) {
    replacePod(job, new PodBuilder().withNewStatus().withPhase("Pending")
        .withStartTime(dev.lifeboat.common.Times.rfc3339(since))
        .addNewCondition().withType("PodScheduled").withStatus("True")
        .withLastTransitionTime(dev.lifeboat.common.Times.rfc3339(since)).endCondition()
        .addNewContainerStatus().withName(Lifeboat.AGENT_CONTAINER).withReady(false).withNewState().withNewWaiting()
        .withReason(reason).withMessage(message).endWaiting().endState().endContainerStatus()
        .endStatus().build().getStatus());
  }

  /** A Job's pod the scheduler cannot place since {@code since}: PodScheduled False, reason Unschedulable, its message. */
  public void podUnschedulable(Job job, String message, java.time.Instant since) {
    replacePod(job, new PodBuilder().withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage(message).withLastTransitionTime(dev.lifeboat.common.Times.rfc3339(since)).endCondition()
        .endStatus().build().getStatus());
  }

  private void replacePod(Job job, io.fabric8.kubernetes.api.model.PodStatus status) {
    String ns = job.getMetadata().getNamespace();
    String pod = podName(job);
    client.pods().inNamespace(ns).withName(pod).delete();
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(pod).withNamespace(ns)
        .addToLabels("job-name", job.getMetadata().getName())
        .addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .withStatus(status).build()).create();
  }

  /** Serves a pod's agent log, whole and as the tail the operator asks for. */
  private void podLog(String namespace, String pod, String log) {
    String path = "/api/v1/namespaces/" + namespace + "/pods/" + pod + "/log?pretty=false&container=" + Lifeboat.AGENT_CONTAINER;
    server.expect().get().withPath(path).andReturn(200, log).always();
    String[] lines = log.split("\n");
    String tail = String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 5), lines.length)) + "\n";
    server.expect().get().withPath(path + "&tailLines=5").andReturn(200, tail).always();
  }

  private static String podName(Job job) {
    return job.getMetadata().getName() + "-x1z2q";
  }

  /** The Context JOSDK hands the reconciler; only what Lifeboat's reconcilers use is backed. */
  private final class JobContext<P extends HasMetadata> implements Context<P> {
    private final P primary;
    private final String component;

    JobContext(P primary, String component) {
      this.primary = primary;
      this.component = component;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Set<R> getSecondaryResources(Class<R> type) {
      if (!type.equals(Job.class)) {
        throw new IllegalArgumentException("Lifeboat's reconcilers have only Jobs as secondary resources, not " + type);
      }
      Set<R> owned = new HashSet<>();
      for (Job job : jobs(primary.getMetadata().getNamespace())) {
        boolean ownedByPrimary = job.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> o.getUid() != null && o.getUid().equals(primary.getMetadata().getUid()));
        if (ownedByPrimary && component.equals(job.getMetadata().getLabels().get(Lifeboat.COMPONENT_LABEL))) {
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
      return operatorClient;
    }

    @Override
    public P getPrimaryResource() {
      return primary;
    }

    @Override
    public Optional<RetryInfo> getRetryInfo() {
      return Optional.empty();
    }

    @Override
    public ControllerConfiguration<P> getControllerConfiguration() {
      throw new IllegalStateException("not used by Lifeboat's reconcilers");
    }

    @Override
    public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
      throw new IllegalStateException("not used by Lifeboat's reconcilers");
    }

    @Override
    public EventSourceRetriever<P> eventSourceRetriever() {
      throw new IllegalStateException("not used by Lifeboat's reconcilers");
    }

    @Override
    public ExecutorService getWorkflowExecutorService() {
      throw new IllegalStateException("not used by Lifeboat's reconcilers");
    }

    @Override
    public IndexedResourceCache<P> getPrimaryCache() {
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
}
