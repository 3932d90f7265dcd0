package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays kubelet and Job controller for Lifeboat's own Jobs (and only those): for each new Job it
 * creates the Pod object, runs the container as a local process, writes the termination message
 * into the pod's container status, retries up to backoffLimit, and sets the Job's status and
 * conditions as the Job controller would. A container whose Secrets are missing is not started:
 * its pod stays Pending, saying why as a kubelet does, until they appear, the Job is deleted or
 * its deadline passes. Times come from the sandbox cluster's clock. When the sandbox runs as root,
 * the container runs as its pod's security context says ({@link ContainerLaunch}).
 */
final class LocalJobRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalJobRunner.class);
  private static final int MAX_MESSAGE = 4096;
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
  private SharedIndexInformer<Job> informer;

  LocalJobRunner(KubernetesClient client, Clock clock, Path state) {
    this.client = client;
    this.clock = clock;
    this.state = state;
    this.launcher = new ContainerLaunch(client, state);
  }

  void start() {
    informer = client.batch().v1().jobs().inAnyNamespace()
        .withLabel(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE)
        .inform(new OnAddOrUpdate<>(this::submit));
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
    int failures = 0;
    try {
      while (true) {
        int exit = runPod(job, failures);
        if (exit == 0) {
          String now = Times.rfc3339(clock.instant());
          updateJob(namespace, name, status -> status.withActive(0).withSucceeded(1).withCompletionTime(now)
              .addToConditions(condition("SuccessCriteriaMet", now, null), condition("Complete", now, null)));
          return;
        }
        failures++;
        int failed = failures;
        if (failJobOn(job, exit)) {
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
    } catch (Exception e) {
      LOG.warn("sandbox could not run Job {}/{}: {}", namespace, name, e.toString());
      String now = Times.rfc3339(clock.instant());
      updateJob(namespace, name, status -> status.withActive(0)
          .addToConditions(condition("Failed", now, "SandboxError")));
    }
  }

  /** The Job controller's podFailurePolicy: a FailJob rule matching the exit code ends the Job without retries. */
  static boolean failJobOn(Job job, int exit) {
    var policy = job.getSpec().getPodFailurePolicy();
    if (policy == null || policy.getRules() == null) {
      return false;
    }
    return policy.getRules().stream().anyMatch(rule -> "FailJob".equals(rule.getAction()) && rule.getOnExitCodes() != null
        && ("In".equals(rule.getOnExitCodes().getOperator()) == rule.getOnExitCodes().getValues().contains(exit)));
  }

  /** The Job ended without a pod's exit: deleted meanwhile ({@code reason} null), or failed by the Job controller. */
  private static final class JobEnded extends Exception {
    final String reason;

    JobEnded(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  private int runPod(Job job, int attempt) throws IOException, InterruptedException, JobEnded {
    String namespace = job.getMetadata().getNamespace();
    String jobName = job.getMetadata().getName();
    String podName = jobName + "-" + suffix(job.getMetadata().getUid(), attempt);
    Pod pod = client.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(podName).withNamespace(namespace)
        .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
        .addToLabels("job-name", jobName).addToLabels("batch.kubernetes.io/job-name", jobName)
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .build()).create();
    pod.getSpec().setNodeName("sandbox");
    // When the kubelet took the pod on, on the cluster's clock (the API server stand-in stamps creation in real time).
    String podStart = Times.rfc3339(clock.instant());
    long deadline = job.getSpec().getActiveDeadlineSeconds() == null ? Long.MAX_VALUE
        : job.getSpec().getActiveDeadlineSeconds();
    waitUntilStartable(namespace, jobName, podName, pod, podStart, deadline);
    Path podDir = Files.createDirectories(state.resolve("pods").resolve(namespace).resolve(podName));
    ContainerLaunch.Launch launch = launcher.prepare(namespace, pod.getSpec(), podDir);
    setPodStatus(namespace, podName, podStart, "Running", null, null, null);

    Path log = podDir.resolve("container.log");
    if (launch.identity() != null) {
      LOG.info("pod {}/{} runs as {}", namespace, podName, launch.identity());
    }
    // The log is opened here, by the sandbox, and handed to the process as its stdout and stderr, as a
    // runtime does: whichever uid the container runs as, it can write it.
    ProcessBuilder builder = new ProcessBuilder(launch.processCommand()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    if (launch.directory() != null) {
      builder.directory(launch.directory().toFile());
    }
    builder.environment().clear();
    builder.environment().putAll(launch.environment());
    Process process = builder.start();
    boolean done = process.waitFor(Math.min(deadline, 24 * 3600), TimeUnit.SECONDS);
    if (!done) {
      process.destroyForcibly().waitFor();
    }
    int exit = process.exitValue();
    String message = terminationMessage(launch.terminationLog(), log, exit != 0);
    setPodStatus(namespace, podName, podStart, exit == 0 ? "Succeeded" : "Failed", exit, message,
        exit == 0 ? "Completed" : "Error");
    return exit;
  }

  /**
   * As a kubelet: while a Secret the container needs is missing, the container is not started; the
   * pod stays Pending with the container waiting (CreateContainerConfigError, or ContainerCreating
   * for a Secret volume), a Warning Event says why, and the check is repeated, so a Secret created
   * later lets it start. Ends when the Job is deleted (its pod goes with it) or, as the Job
   * controller would, when the Job's activeDeadlineSeconds (real seconds, like the running
   * container's) have passed.
   */
  private void waitUntilStartable(String namespace, String jobName, String podName, Pod pod, String podStart,
      long deadlineSeconds) throws InterruptedException, JobEnded {
    long waitingSince = System.nanoTime();
    ContainerLaunch.Waiting shown = null;
    for (Optional<ContainerLaunch.Waiting> waiting = launcher.waitingFor(namespace, pod.getSpec()); waiting.isPresent();
        waiting = launcher.waitingFor(namespace, pod.getSpec())) {
      if (client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get() == null) {
        client.pods().inNamespace(namespace).withName(podName).delete();
        throw new JobEnded(null, "Job " + namespace + "/" + jobName + " deleted");
      }
      if (Duration.ofNanos(System.nanoTime() - waitingSince).getSeconds() >= deadlineSeconds) {
        client.pods().inNamespace(namespace).withName(podName).delete();
        throw new JobEnded("DeadlineExceeded", "Job was active longer than specified deadline");
      }
      if (!waiting.get().equals(shown)) {
        shown = waiting.get();
        LOG.info("pod {}/{} cannot start: {}", namespace, podName, shown.eventMessage());
        setPodWaiting(namespace, podName, podStart, shown);
        podEvent(namespace, podName, shown.eventReason(), shown.eventMessage());
      }
      Thread.sleep(WAITING_RECHECK.toMillis());
    }
  }

  /** A Pending pod on the node whose container waits: what kubectl describe shows for a container not yet created. */
  private void setPodWaiting(String namespace, String name, String startTime, ContainerLaunch.Waiting waiting) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    if (pod == null) {
      return;
    }
    String now = Times.rfc3339(clock.instant());
    var container = pod.getSpec().getContainers().get(0);
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Pending").withStartTime(startTime)
        .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(startTime).endCondition()
        .addNewCondition().withType("Initialized").withStatus("True").withLastTransitionTime(startTime).endCondition()
        .addNewCondition().withType("ContainersReady").withStatus("False").withReason("ContainersNotReady")
        .withLastTransitionTime(now).endCondition()
        .addNewCondition().withType("Ready").withStatus("False").withReason("ContainersNotReady")
        .withLastTransitionTime(now).endCondition()
        .addNewContainerStatus().withName(container.getName()).withImage(container.getImage()).withReady(false)
        .withStarted(false).withRestartCount(0)
        .withNewState().withNewWaiting().withReason(waiting.reason()).withMessage(waiting.message()).endWaiting().endState()
        .endContainerStatus().build());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
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

  /** The termination log, or (FallbackToLogsOnError) the tail of the container's output on failure. */
  private static String terminationMessage(Path terminationLog, Path log, boolean failed) throws IOException {
    if (Files.exists(terminationLog) && Files.size(terminationLog) > 0) {
      return truncate(Files.readString(terminationLog, StandardCharsets.UTF_8));
    }
    if (failed && Files.exists(log)) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return truncate(String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size())));
    }
    return null;
  }

  private static String truncate(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(text.length() - MAX_MESSAGE);
  }

  private void setPodStatus(String namespace, String name, String startTime, String phase, Integer exitCode,
      String message, String reason) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    var status = new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(phase).withStartTime(startTime);
    var container = status.addNewContainerStatus().withName(pod.getSpec().getContainers().get(0).getName())
        .withImage(pod.getSpec().getContainers().get(0).getImage()).withReady("Running".equals(phase));
    if (exitCode == null) {
      container.withNewState().withNewRunning().withStartedAt(Times.rfc3339(clock.instant())).endRunning().endState();
    } else {
      container.withNewState().withNewTerminated().withExitCode(exitCode).withMessage(message).withReason(reason)
          .withFinishedAt(Times.rfc3339(clock.instant())).endTerminated().endState();
    }
    pod.setStatus(container.endContainerStatus().build());
    pod.getSpec().setNodeName("sandbox");
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
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

  private static io.fabric8.kubernetes.api.model.batch.v1.JobCondition condition(String type, String now, String reason) {
    return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason)
        .withLastProbeTime(now).withLastTransitionTime(now).build();
  }

  /** Five characters, distinct per attempt (like the Job controller's random pod-name suffix). */
  private static String suffix(String uid, int attempt) {
    return java.util.UUID.nameUUIDFromBytes((uid + "/" + attempt).getBytes(StandardCharsets.UTF_8)).toString()
        .substring(0, 5).toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    pods.shutdownNow();
  }
}
