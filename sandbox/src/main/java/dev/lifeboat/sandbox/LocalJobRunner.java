package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays kubelet and Job controller for Lifeboat's own Jobs (and only those): for each new Job it
 * creates the Pod object (owned by the Job), runs the pod's init containers in order then its
 * containers all at once as local processes ({@link #runPod}), reports every container's state and termination message in the pod's status
 * as a kubelet does ({@link PodStatusReport}), retries up to backoffLimit (podFailurePolicy FailJob
 * rules on exit codes end it at once), and sets the Job's status and conditions as the Job
 * controller would. A container whose Secrets or ConfigMaps are missing is not started: its pod
 * stays Pending, saying why as a kubelet does, until they appear, the Job is deleted or its
 * deadline passes. Each container logs to {@code <pod dir>/containers/<name>/container.log}. Times
 * come from the sandbox cluster's clock. When the sandbox runs as root, each container runs as its
 * pod's security context says ({@link ContainerLaunch}).
 */
final class LocalJobRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalJobRunner.class);
  /** The kubelet's limits: a termination-message file's last 4096 bytes; a log fallback's last 80 lines, 2048 bytes. */
  private static final int MAX_MESSAGE = 4096;
  private static final int FALLBACK_LINES = 80;
  private static final int FALLBACK_BYTES = 2048;
  /** The exit code containerd reports for a container it could not start (StartError). */
  static final int START_ERROR_EXIT = 128;
  private static final long NO_DEADLINE = Long.MIN_VALUE;
  /** How often a container that cannot start yet (a missing Secret) is checked again, in real time. */
  static final Duration WAITING_RECHECK = Duration.ofMillis(500);

  private final KubernetesClient client;
  private final Clock clock;
  private final Path state;
  private final ContainerLaunch launcher;
  private final ExecutorService pods = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "sandbox-kubelet");
    thread.setDaemon(true);
    return thread;
  });
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  /** The processes running now, by pod ({@code namespace/name}): a pod deleted has its containers killed. */
  private final Map<String, Set<Process>> processes = new ConcurrentHashMap<>();
  private SharedIndexInformer<Job> informer;
  private SharedIndexInformer<Pod> podInformer;

  LocalJobRunner(KubernetesClient client, Clock clock, Path state) {
    this.client = client;
    this.clock = clock;
    this.state = state;
    this.launcher = new ContainerLaunch(client, state);
  }

  /** How this "kubelet" runs a pod's processes, which an exec into its pods shares. */
  ContainerLaunch launcher() {
    return launcher;
  }

  void start() {
    informer = client.batch().v1().jobs().inAnyNamespace()
        .withLabel(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE)
        .inform(new OnAddOrUpdate<>(this::submit));
    podInformer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {}

          @Override
          public void onUpdate(Pod old, Pod pod) {}

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            kill(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
          }
        });
  }

  /**
   * As a kubelet when a pod is deleted (by hand, or with its Job by the garbage collector): its
   * containers are stopped. Each then terminates as a killed process does; the pod being gone, no
   * status is written, and a Job deleted too gets no new pod.
   */
  private void kill(String pod) {
    Set<Process> running = processes.get(pod);
    if (running != null) {
      LOG.info("pod {} deleted: stopping its {} running container(s)", pod, running.size());
      running.forEach(LocalJobRunner::stop);
    }
  }

  /** Kills a container's process and whatever it started (a runtime kills the container's whole cgroup). */
  private static void stop(Process process) {
    ContainerLaunch.Launch.stop(process);
  }

  private void submit(Job job) {
    if (!JobOutcomeReader.finished(job) && started.add(job.getMetadata().getUid())) {
      pods.submit(() -> run(job));
    }
  }

  private void run(Job job) {
    String namespace = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    int backoffLimit = job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
    String startTime = Times.rfc3339(clock.instant());
    updateJob(namespace, name, status -> status.withStartTime(startTime).withActive(1));
    // activeDeadlineSeconds counts from the Job's start, in real seconds (like the containers' run time).
    Long deadlineSeconds = job.getSpec().getActiveDeadlineSeconds();
    long deadline = deadlineSeconds == null ? NO_DEADLINE
        : System.nanoTime() + Duration.ofSeconds(Math.min(deadlineSeconds, 365L * 24 * 3600)).toNanos();
    int failures = 0;
    try {
      while (true) {
        PodOutcome outcome = runPod(job, failures, deadline);
        if (outcome.succeeded()) {
          String now = Times.rfc3339(clock.instant());
          updateJob(namespace, name, status -> status.withActive(0).withSucceeded(1).withCompletionTime(now)
              .addToConditions(condition("SuccessCriteriaMet", now, null), condition("Complete", now, null)));
          return;
        }
        failures++;
        int failed = failures;
        if (failJobOn(job, outcome.failed())) {
          String now = Times.rfc3339(clock.instant());
          updateJob(namespace, name, status -> status.withActive(0).withFailed(failed)
              .addToConditions(condition("FailureTarget", now, "PodFailurePolicy"),
                  condition("Failed", now, "PodFailurePolicy")));
          return;
        }
        if (failures > backoffLimit) {
          String now = Times.rfc3339(clock.instant());
          updateJob(namespace, name, status -> status.withActive(0).withFailed(failed)
              .addToConditions(condition("FailureTarget", now, "BackoffLimitExceeded"),
                  condition("Failed", now, "BackoffLimitExceeded")));
          return;
        }
        updateJob(namespace, name, status -> status.withFailed(failed));
      }
    } catch (JobEnded ended) {
      if (ended.reason != null) {
        String now = Times.rfc3339(clock.instant());
        updateJob(namespace, name, status -> status.withActive(0)
            .addToConditions(condition("FailureTarget", now, ended.reason), condition("Failed", now, ended.reason)
                .edit().withMessage(ended.getMessage()).build()));
      }
    } catch (InterruptedException e) {
      // The sandbox is stopping: its Jobs stop with it, as pods do with a node going down.
      Thread.currentThread().interrupt();
      LOG.info("Job {}/{} stopped with the sandbox", namespace, name);
    } catch (Exception e) {
      LOG.warn("sandbox could not run Job {}/{}: {}", namespace, name, e.toString());
      String now = Times.rfc3339(clock.instant());
      updateJob(namespace, name, status -> status.withActive(0)
          .addToConditions(condition("Failed", now, "SandboxError")));
    }
  }

  /** A container that terminated with a non-zero exit code. */
  record ContainerExit(String container, int exitCode) {}

  /** How a pod ended: every container (init ones included) exited 0, or these did not. */
  record PodOutcome(boolean succeeded, List<ContainerExit> failed) {}

  /**
   * The Job controller's podFailurePolicy, as far as modelled: the first rule whose onExitCodes
   * match a failed container (its containerName, if given; exit code 0 never matches) decides, and
   * FailJob ends the Job without retries. Rules on pod conditions never match (no disruptions here).
   */
  static boolean failJobOn(Job job, List<ContainerExit> failed) {
    var policy = job.getSpec().getPodFailurePolicy();
    if (policy == null || policy.getRules() == null) {
      return false;
    }
    for (var rule : policy.getRules()) {
      var codes = rule.getOnExitCodes();
      if (codes != null && failed.stream().anyMatch(exit -> exit.exitCode() != 0
          && (codes.getContainerName() == null || codes.getContainerName().equals(exit.container()))
          && "In".equals(codes.getOperator()) == codes.getValues().contains(exit.exitCode()))) {
        return "FailJob".equals(rule.getAction());
      }
    }
    return false;
  }

  /** The single-container form: does a container failing with {@code exit} fail the Job. */
  static boolean failJobOn(Job job, int exit) {
    return failJobOn(job, List.of(new ContainerExit(job.getSpec().getTemplate().getSpec().getContainers().get(0).getName(),
        exit)));
  }

  /** The Job ended without a pod's exit: deleted meanwhile ({@code reason} null), or failed by the Job controller. */
  private static final class JobEnded extends Exception {
    final String reason;

    JobEnded(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  /**
   * One pod of the Job, as a kubelet runs it with restartPolicy Never: its init containers in
   * order, each to completion, the first failure failing the pod with its containers never
   * started; then all its containers at once, each on its own thread (so two containers may talk
   * through a FIFO in a shared emptyDir), the pod ending when every one has exited and succeeding
   * only if all exit 0. A Job deleted meanwhile gets no new pod.
   */
  private PodOutcome runPod(Job job, int attempt, long deadline) throws IOException, InterruptedException, JobEnded {
    String namespace = job.getMetadata().getNamespace();
    String jobName = job.getMetadata().getName();
    String podName = jobName + "-" + suffix(job.getMetadata().getUid(), attempt);
    if (client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get() == null) {
      throw new JobEnded(null, "Job " + namespace + "/" + jobName + " deleted");
    }
    Pod pod = client.pods().inNamespace(namespace).resource(pod(job, podName)).create();
    pod.getSpec().setNodeName("sandbox");
    // When the kubelet took the pod on, on the cluster's clock (the API server stand-in stamps creation in real time).
    String podStart = Times.rfc3339(clock.instant());
    RunningPod running = new RunningPod(namespace, jobName, podName, pod.getSpec(),
        new PodStatusReport(pod.getSpec(), podStart, clock),
        Files.createDirectories(state.resolve("pods").resolve(namespace).resolve(podName)), ConcurrentHashMap.newKeySet(),
        deadline);
    List<ContainerExit> failed = new ArrayList<>();
    for (Container init : pod.getSpec().getInitContainers() == null ? List.<Container>of()
        : pod.getSpec().getInitContainers()) {
      int exit = runContainer(running, init);
      if (exit != 0) {
        failed.add(new ContainerExit(init.getName(), exit));
        LOG.info("pod {}/{} failed: init container {} exited {}; its containers do not run", namespace, podName,
            init.getName(), exit);
        return new PodOutcome(false, failed);
      }
    }
    List<Container> containers = pod.getSpec().getContainers();
    CompletionService<Integer> ended = new ExecutorCompletionService<>(pods);
    List<Future<Integer>> exits = new ArrayList<>();
    for (Container container : containers) {
      exits.add(ended.submit(() -> runContainer(running, container)));
    }
    try {
      // In the order they end, so that the first to end the Job (JobEnded) stops the others at once.
      for (int i = 0; i < containers.size(); i++) {
        result(ended.take());
      }
      for (int i = 0; i < containers.size(); i++) {
        int exit = result(exits.get(i));
        if (exit != 0) {
          failed.add(new ContainerExit(containers.get(i).getName(), exit));
        }
      }
    } finally {
      // A container that ended the Job (its deadline, its deletion), or this thread interrupted: the others stop too.
      exits.forEach(exit -> exit.cancel(true));
    }
    return new PodOutcome(failed.isEmpty(), failed);
  }

  /** The pod the Job controller makes for {@code job}: its template, labelled with and owned by the Job. */
  static Pod pod(Job job, String podName) {
    String jobName = job.getMetadata().getName();
    return new PodBuilder()
        .withNewMetadata().withName(podName).withNamespace(job.getMetadata().getNamespace())
        .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
        .addToLabels("job-name", jobName).addToLabels("batch.kubernetes.io/job-name", jobName)
        // As the Job controller: the Job owns its pods, so the garbage collector deletes them with it.
        .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(jobName)
        .withUid(job.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .build();
  }

  /** A container's exit code, once its thread has run it; what it threw, thrown again. */
  private static int result(Future<Integer> exit) throws IOException, InterruptedException, JobEnded {
    try {
      return exit.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof JobEnded ended) {
        throw ended;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** A pod being run: where it is, its spec and status, its files, and the Job's deadline (nanoTime). */
  private record RunningPod(String namespace, String jobName, String podName, PodSpec spec, PodStatusReport report,
      Path dir, Set<String> volumesSetUp, long deadline) {}

  /**
   * Runs one container to its end and reports it: waits until it can start, starts it (its own log
   * file as stdout and stderr), and writes its termination into the pod's status. A container a
   * runtime could not start terminates with 128 and {@code StartError}. Returns its exit code.
   */
  private int runContainer(RunningPod pod, Container container) throws IOException, InterruptedException, JobEnded {
    String name = container.getName();
    waitUntilStartable(pod, container);
    Path log = ContainerLaunch.containerDir(pod.dir(), name).resolve("container.log");
    ContainerLaunch.Launch launch;
    Process process;
    try {
      // One container at a time sets the pod's volumes up, as the kubelet does once per pod, before either starts.
      synchronized (pod.volumesSetUp()) {
        launch = launcher.prepare(pod.namespace(), pod.spec(), container, pod.dir(), pod.volumesSetUp());
      }
      if (launch.identity() != null) {
        LOG.info("pod {}/{} container {} runs as {}", pod.namespace(), pod.podName(), name, launch.identity());
      }
      // The log is opened here, by the sandbox, and handed to the process as its stdout and stderr, as a
      // runtime does: whichever uid the container runs as, it can write it.
      process = launch.processBuilder().redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (ContainerLaunch.StartError | IOException e) {
      String message = e instanceof ContainerLaunch.StartError ? e.getMessage() : "failed to start: " + e.getMessage();
      LOG.warn("pod {}/{} container {} cannot start: {}", pod.namespace(), pod.podName(), name, message);
      pod.report().terminated(name, START_ERROR_EXIT, "StartError", message);
      publish(pod);
      podEvent(pod.namespace(), pod.podName(), "Failed", "Error: " + message);
      return START_ERROR_EXIT;
    }
    String key = pod.namespace() + "/" + pod.podName();
    processes.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(process);
    boolean done;
    try {
      pod.report().running(name);
      if (!publish(pod)) {
        stop(process); // the pod was deleted before its process could be found by its deletion
      }
      done = process.waitFor(Math.min(remainingSeconds(pod.deadline()), 24 * 3600), TimeUnit.SECONDS);
    } catch (InterruptedException | RuntimeException e) {
      // Another container ended the Job, or the sandbox is closing: this one is stopped, not left behind.
      stop(process);
      throw e;
    } finally {
      processes.computeIfPresent(key, (k, running) -> {
        running.remove(process);
        return running.isEmpty() ? null : running;
      });
    }
    if (!done) {
      stop(process);
      process.waitFor();
      pod.report().terminated(name, process.exitValue(), "Error", null);
      publish(pod);
      if (remainingSeconds(pod.deadline()) <= 0) {
        client.pods().inNamespace(pod.namespace()).withName(pod.podName()).delete();
        throw new JobEnded("DeadlineExceeded", "Job was active longer than specified deadline");
      }
      return process.exitValue();
    }
    int exit = process.exitValue();
    String message = terminationMessage(launch.terminationLog(), log, container.getTerminationMessagePolicy(), exit != 0);
    pod.report().terminated(name, exit, exit == 0 ? "Completed" : "Error", message);
    publish(pod);
    return exit;
  }

  private static long remainingSeconds(long deadline) {
    if (deadline == NO_DEADLINE) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
  }

  /**
   * As a kubelet: while a Secret (or ConfigMap) the container needs is missing, the container is
   * not started; the pod stays Pending with the container waiting (CreateContainerConfigError, or
   * ContainerCreating for a Secret volume), a Warning Event says why, and the check is repeated,
   * so a Secret created later lets it start. Ends when the Job is deleted (its pod goes with it)
   * or, as the Job controller would, when the Job's activeDeadlineSeconds (real seconds, like the
   * running container's) have passed.
   */
  private void waitUntilStartable(RunningPod pod, Container container) throws InterruptedException, JobEnded {
    String namespace = pod.namespace();
    String podName = pod.podName();
    ContainerLaunch.Waiting shown = null;
    for (Optional<ContainerLaunch.Waiting> waiting = launcher.waitingFor(namespace, pod.spec(), container);
        waiting.isPresent(); waiting = launcher.waitingFor(namespace, pod.spec(), container)) {
      if (client.batch().v1().jobs().inNamespace(namespace).withName(pod.jobName()).get() == null) {
        client.pods().inNamespace(namespace).withName(podName).delete();
        throw new JobEnded(null, "Job " + namespace + "/" + pod.jobName() + " deleted");
      }
      if (pod.deadline() != NO_DEADLINE && System.nanoTime() - pod.deadline() >= 0) {
        client.pods().inNamespace(namespace).withName(podName).delete();
        throw new JobEnded("DeadlineExceeded", "Job was active longer than specified deadline");
      }
      if (!waiting.get().equals(shown)) {
        shown = waiting.get();
        LOG.info("pod {}/{} cannot start container {}: {}", namespace, podName, container.getName(), shown.eventMessage());
        pod.report().waiting(container.getName(), shown.reason(), shown.message());
        publish(pod);
        podEvent(namespace, podName, shown.eventReason(), shown.eventMessage());
      }
      Thread.sleep(WAITING_RECHECK.toMillis());
    }
  }

  /** Writes the pod's status as the kubelet reports it now; nothing if the pod is gone (false). */
  private boolean publish(RunningPod running) {
    // The pod's containers run on their own threads: one status write at a time, each of the report as it is then.
    synchronized (running.report()) {
      Pod pod = client.pods().inNamespace(running.namespace()).withName(running.podName()).get();
      if (pod == null) {
        return false;
      }
      pod.setStatus(running.report().build());
      pod.getSpec().setNodeName("sandbox");
      client.pods().inNamespace(running.namespace()).resource(pod).updateStatus();
      return true;
    }
  }

  /** A Warning Event on the pod, as the kubelet records one. */
  private void podEvent(String namespace, String pod, String reason, String message) {
    String now = Times.rfc3339(clock.instant());
    try {
      client.v1().events().inNamespace(namespace).resource(new EventBuilder()
          .withNewMetadata().withNamespace(namespace)
          .withName(pod + "." + Long.toHexString(System.nanoTime())).endMetadata()
          .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withName(pod).withNamespace(namespace)
          .endInvolvedObject()
          .withType("Warning").withReason(reason).withMessage(message)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .withNewSource("kubelet", "sandbox").build()).create();
    } catch (RuntimeException e) {
      LOG.debug("could not record event {} for pod {}/{}: {}", reason, namespace, pod, e.toString());
    }
  }

  /**
   * The container's termination message as the kubelet reads it: the last 4096 bytes of its
   * termination-message file; when that is empty, the container failed and its
   * terminationMessagePolicy is FallbackToLogsOnError, the last 80 lines of its log, at most
   * their last 2048 bytes. Null when there is none.
   */
  static String terminationMessage(Path terminationLog, Path log, String policy, boolean failed) throws IOException {
    if (Files.exists(terminationLog) && Files.size(terminationLog) > 0) {
      return tail(Files.readAllBytes(terminationLog), 0, MAX_MESSAGE);
    }
    if (failed && "FallbackToLogsOnError".equals(policy) && Files.exists(log)) {
      byte[] content = Files.readAllBytes(log);
      String tail = tail(content, PodLogDispatcher.startOfLastLines(content, FALLBACK_LINES), FALLBACK_BYTES);
      return tail.isEmpty() ? null : tail;
    }
    return null;
  }

  /** The last {@code max} bytes of {@code content} from {@code from}, as UTF-8. */
  private static String tail(byte[] content, int from, int max) {
    int start = Math.max(from, content.length - max);
    return new String(content, start, content.length - start, StandardCharsets.UTF_8);
  }

  private interface StatusChange {
    JobStatusBuilder apply(JobStatusBuilder status);
  }

  private void updateJob(String namespace, String name, StatusChange change) {
    Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    if (job == null) {
      return; // deleted meanwhile
    }
    job.setStatus(change.apply(job.getStatus() == null ? new JobStatusBuilder() : new JobStatusBuilder(job.getStatus())).build());
    client.batch().v1().jobs().inNamespace(namespace).resource(job).updateStatus();
  }

  static io.fabric8.kubernetes.api.model.batch.v1.JobCondition condition(String type, String now, String reason) {
    return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason)
        .withLastProbeTime(now).withLastTransitionTime(now).build();
  }

  /** Five characters, distinct per attempt (like the Job controller's random pod-name suffix). */
  static String suffix(String uid, int attempt) {
    return java.util.UUID.nameUUIDFromBytes((uid + "/" + attempt).getBytes(StandardCharsets.UTF_8)).toString()
        .substring(0, 5).toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    if (podInformer != null) {
      podInformer.close();
    }
    pods.shutdownNow();
  }
}
