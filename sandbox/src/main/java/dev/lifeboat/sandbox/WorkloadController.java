package dev.lifeboat.sandbox;

import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the Deployment and StatefulSet controllers, just enough for scale-down: keeps as many Pod
 * objects per workload as {@code spec.replicas} (null means 1), shown Running on node "sandbox",
 * and reports the count in the workload's status. The pods run no process; they stand for the app
 * that holds the volume, so that "scale to 0 and wait until the selector matches no pod" can be
 * played end to end. It reacts to workload events only: a pod deleted by hand comes back with the
 * workload's next change.
 */
final class WorkloadController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadController.class);
  /** The alphabet of Kubernetes' random name suffixes: no vowels, no look-alike digits. */
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  /** What both kinds have in common for this controller; StatefulSet pods are numbered, Deployment ones random. */
  private record Workload(HasMetadata object, int replicas, LabelSelector selector, PodTemplateSpec template,
      boolean numbered) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  private volatile boolean closed;

  WorkloadController(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void start() {
    informers.add(client.apps().deployments().inAnyNamespace().inform(new Reconciler<Deployment>(
        d -> new Workload(d, replicas(d.getSpec().getReplicas()), d.getSpec().getSelector(), d.getSpec().getTemplate(),
            false),
        this::reportDeployment)));
    informers.add(client.apps().statefulSets().inAnyNamespace().inform(new Reconciler<StatefulSet>(
        s -> new Workload(s, replicas(s.getSpec().getReplicas()), s.getSpec().getSelector(), s.getSpec().getTemplate(),
            true),
        this::reportStatefulSet)));
  }

  private static int replicas(Integer replicas) {
    return replicas == null ? 1 : replicas;
  }

  /**
   * Reconciles on every add and update (the status it writes comes back as one more update, a
   * no-op by then). A failure, such as a conflict with a concurrent change, is logged: that change
   * brings its own event, and so another pass.
   */
  private final class Reconciler<W extends HasMetadata> implements ResourceEventHandler<W> {
    private final Function<W, Workload> view;
    private final BiConsumer<W, Integer> report;

    Reconciler(Function<W, Workload> view, BiConsumer<W, Integer> report) {
      this.view = view;
      this.report = report;
    }

    @Override
    public void onAdd(W workload) {
      reconcile(workload);
    }

    @Override
    public void onUpdate(W old, W workload) {
      reconcile(workload);
    }

    /** The garbage collector's part: a workload's pods go with it. */
    @Override
    public void onDelete(W workload, boolean finalStateUnknown) {
      try {
        ownedPods(view.apply(workload)).forEach(WorkloadController.this::delete);
      } catch (RuntimeException e) {
        LOG.warn("sandbox could not remove the pods of {}: {}", describe(workload), e.toString());
      }
    }

    private void reconcile(W workload) {
      try {
        report.accept(workload, scale(view.apply(workload)));
      } catch (RuntimeException e) {
        if (!closed) { // a pass cut off by the sandbox stopping is no failure
          LOG.warn("sandbox could not reconcile {}: {}", describe(workload), e.toString());
        }
      }
    }
  }

  /** Creates and deletes pods until the workload has exactly spec.replicas of them; returns that count. */
  private int scale(Workload workload) {
    List<Pod> pods = ownedPods(workload);
    String base = workload.object().getMetadata().getName();
    if (workload.numbered()) {
      Set<String> wanted = IntStream.range(0, workload.replicas()).mapToObj(i -> base + "-" + i)
          .collect(Collectors.toCollection(LinkedHashSet::new));
      Set<String> existing = pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
      pods.stream().filter(p -> !wanted.contains(p.getMetadata().getName())).forEach(this::delete);
      wanted.stream().filter(name -> !existing.contains(name)).forEach(name -> createRunning(workload, name));
    } else {
      pods.sort(Comparator.comparing(p -> p.getMetadata().getName()));
      pods.subList(Math.min(workload.replicas(), pods.size()), pods.size()).forEach(this::delete);
      for (int i = pods.size(); i < workload.replicas(); i++) {
        createRunning(workload, base + "-" + randomSuffix());
      }
    }
    return workload.replicas();
  }

  /**
   * The workload's pods: those its selector's matchLabels match (what the operator waits on) and
   * that it owns, as the real controllers count them, so a Job's pod sharing labels is never taken.
   */
  private List<Pod> ownedPods(Workload workload) {
    HasMetadata owner = workload.object();
    Map<String, String> labels = workload.selector() == null || workload.selector().getMatchLabels() == null
        ? Map.of() : workload.selector().getMatchLabels();
    return client.pods().inNamespace(owner.getMetadata().getNamespace()).withLabels(labels).list().getItems().stream()
        .filter(pod -> pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> owner.getMetadata().getUid().equals(ref.getUid())))
        .collect(Collectors.toCollection(ArrayList::new));
  }

  private void createRunning(Workload workload, String name) {
    HasMetadata owner = workload.object();
    String namespace = owner.getMetadata().getNamespace();
    PodTemplateSpec template = workload.template();
    PodSpec spec = template == null || template.getSpec() == null ? new PodSpec() : template.getSpec();
    Pod pod = client.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(template == null || template.getMetadata() == null ? null : template.getMetadata().getLabels())
        .addNewOwnerReference()
        .withApiVersion(HasMetadata.getApiVersion(owner.getClass())).withKind(HasMetadata.getKind(owner.getClass()))
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withSpec(new PodSpecBuilder(spec).withNodeName("sandbox").build())
        .build()).create();
    // Status goes through its subresource, as the kubelet writes it; a create would not keep it.
    String now = Times.rfc3339(clock.instant());
    List<ContainerStatus> containers = pod.getSpec().getContainers() == null ? List.of()
        : pod.getSpec().getContainers().stream().map(c -> new ContainerStatusBuilder().withName(c.getName())
            .withImage(c.getImage()).withReady(true).withStarted(true)
            .withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build()).toList();
    pod.setStatus(new PodStatusBuilder().withPhase("Running").withStartTime(now)
        .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
        .withContainerStatuses(containers).build());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  private void delete(Pod pod) {
    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
  }

  private void reportDeployment(Deployment seen, int pods) {
    Deployment current = client.apps().deployments().inNamespace(seen.getMetadata().getNamespace())
        .withName(seen.getMetadata().getName()).get();
    if (current == null) {
      return; // deleted meanwhile
    }
    DeploymentStatus status = new DeploymentStatusBuilder(
        current.getStatus() == null ? new DeploymentStatus() : current.getStatus())
        .withObservedGeneration(current.getMetadata().getGeneration())
        .withReplicas(pods).withUpdatedReplicas(omitZero(pods))
        .withReadyReplicas(omitZero(pods)).withAvailableReplicas(omitZero(pods)).build();
    if (!status.equals(current.getStatus())) {
      current.setStatus(status);
      client.apps().deployments().inNamespace(seen.getMetadata().getNamespace()).resource(current).updateStatus();
    }
  }

  private void reportStatefulSet(StatefulSet seen, int pods) {
    StatefulSet current = client.apps().statefulSets().inNamespace(seen.getMetadata().getNamespace())
        .withName(seen.getMetadata().getName()).get();
    if (current == null) {
      return; // deleted meanwhile
    }
    StatefulSetStatus status = new StatefulSetStatusBuilder(
        current.getStatus() == null ? new StatefulSetStatus() : current.getStatus())
        .withObservedGeneration(current.getMetadata().getGeneration())
        .withReplicas(pods).withCurrentReplicas(omitZero(pods)).withUpdatedReplicas(omitZero(pods))
        .withReadyReplicas(omitZero(pods)).withAvailableReplicas(omitZero(pods)).build();
    if (!status.equals(current.getStatus())) {
      current.setStatus(status);
      client.apps().statefulSets().inNamespace(seen.getMetadata().getNamespace()).resource(current).updateStatus();
    }
  }

  /** A real API server omits these counts at zero (omitempty), so clients must read null as 0: so must ours. */
  private static Integer omitZero(int count) {
    return count == 0 ? null : count;
  }

  private static String randomSuffix() {
    StringBuilder suffix = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      suffix.append(SUFFIX_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(SUFFIX_ALPHABET.length())));
    }
    return suffix.toString();
  }

  private static String describe(HasMetadata workload) {
    return HasMetadata.getKind(workload.getClass()) + " " + workload.getMetadata().getNamespace() + "/" + workload.getMetadata().getName();
  }

  @Override
  public void close() {
    closed = true;
    informers.forEach(SharedIndexInformer::close);
  }
}
