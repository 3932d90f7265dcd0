package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Turns a finished Job into the outcome of its run: the agent's result from the termination
 * message of the Job's last pod, or, when the agent could not write one (OOM, deadline, image
 * pull), the best explanation Kubernetes gives.
 */
public class JobOutcomeReader {
  static final int MAX_MESSAGE = 1024;
  private final KubernetesClient client;

  public JobOutcomeReader(KubernetesClient client) {
    this.client = client;
  }

  /** A finished run. {@code result} is null when the agent left no readable result. */
  public record Outcome(String backupId, String jobName, BackupPhase phase, AgentResult result, String message,
      String startTime, String completionTime) {
    public boolean succeeded() {
      return phase == BackupPhase.Succeeded;
    }
  }

  public static boolean finished(Job job) {
    return condition(job, "Complete").isPresent() || condition(job, "Failed").isPresent();
  }

  public static String backupId(Job job) {
    var annotations = job.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Lifeboat.BACKUP_ID_ANNOTATION);
  }

  /** When a finished Job ended (RFC 3339): its completion time, or when it was marked Failed; null while it runs. */
  public static String completionTime(Job job) {
    return Optional.ofNullable(job.getStatus() == null ? null : job.getStatus().getCompletionTime())
        .or(() -> condition(job, "Complete").or(() -> condition(job, "Failed")).map(JobCondition::getLastTransitionTime))
        .orElse(null);
  }

  public Optional<Outcome> read(Job job) {
    if (!finished(job)) {
      return Optional.empty();
    }
    boolean succeeded = condition(job, "Complete").isPresent();
    Optional<ContainerStateTerminated> terminated = lastTermination(job, succeeded);
    AgentResult result = terminated.map(ContainerStateTerminated::getMessage).map(JobOutcomeReader::parse).orElse(null);
    String message;
    if (result != null && result.message() != null) {
      message = result.message();
    } else if (succeeded) {
      message = "Job " + job.getMetadata().getName() + " completed";
    } else {
      message = failureMessage(job, terminated);
    }
    String completion = completionTime(job);
    return Optional.of(new Outcome(backupId(job), job.getMetadata().getName(), phase(succeeded, result), result,
        truncate(message), job.getStatus().getStartTime(), completion));
  }

  /**
   * The run's phase: the agent's own word when it left one (a partial backup fails its Job on
   * purpose, so it is not retried), else the Job's; a completed Job whose agent says otherwise is
   * not a success.
   */
  private static BackupPhase phase(boolean jobSucceeded, AgentResult result) {
    if (result == null || result.phase() == null) {
      return jobSucceeded ? BackupPhase.Succeeded : BackupPhase.Failed;
    }
    if (result.phase() == BackupPhase.PartiallyFailed) {
      return BackupPhase.PartiallyFailed;
    }
    return jobSucceeded && result.succeeded() ? BackupPhase.Succeeded : BackupPhase.Failed;
  }

  private Optional<ContainerStateTerminated> lastTermination(Job job, boolean succeeded) {
    List<Pod> pods = client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel("job-name", job.getMetadata().getName()).list().getItems();
    return pods.stream()
        .sorted(Comparator.comparing((Pod p) -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")).reversed())
        .map(JobOutcomeReader::agentTermination)
        .flatMap(Optional::stream)
        .filter(t -> !succeeded || Integer.valueOf(0).equals(t.getExitCode()))
        .findFirst();
  }

  /** The agent's termination: a container, or the init container of a Job whose check runs after it (a drill). */
  static Optional<ContainerStateTerminated> agentTermination(Pod pod) {
    return termination(pod, Lifeboat.AGENT_CONTAINER);
  }

  /** How container {@code name} of {@code pod} ended, whether it is an init container or not; empty while it has not. */
  public static Optional<ContainerStateTerminated> termination(Pod pod, String name) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    return Stream.of(pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses())
        .filter(Objects::nonNull)
        .flatMap(List::stream)
        .filter(s -> name.equals(s.getName()))
        .map(ContainerStatus::getState)
        .filter(state -> state != null && state.getTerminated() != null)
        .map(state -> state.getTerminated())
        .findFirst();
  }

  /** Null when the message is not an agent result (e.g. the log tail kubelet falls back to). */
  private static AgentResult parse(String message) {
    if (message == null || !message.trim().startsWith("{")) {
      return null;
    }
    try {
      return AgentResult.parse(message.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String failureMessage(Job job, Optional<ContainerStateTerminated> terminated) {
    if (terminated.isPresent()) {
      ContainerStateTerminated t = terminated.get();
      String text = t.getMessage() == null ? "" : lastLine(t.getMessage());
      if (!text.isBlank()) {
        return text;
      }
      return "agent exited with code " + t.getExitCode() + (t.getReason() == null ? "" : " (" + t.getReason() + ")");
    }
    return condition(job, "Failed")
        .map(c -> "Job " + job.getMetadata().getName() + " failed: " + Objects.toString(c.getReason(), "") + (c.getMessage() == null ? "" : ": " + c.getMessage()))
        .orElse("Job " + job.getMetadata().getName() + " failed");
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 3) + "...";
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }
}
