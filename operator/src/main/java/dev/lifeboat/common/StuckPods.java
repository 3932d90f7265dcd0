package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Whether a Job's pod can ever start. A pod whose container waits on something only a person can
 * fix — a missing Secret or key ({@code CreateContainerConfigError}), an image that cannot be
 * pulled ({@code ErrImagePull}, {@code ImagePullBackOff}, {@code InvalidImageName},
 * {@code ErrImageNeverPull}) — is stuck once that has lasted {@link #CONTAINER_GRACE}; a pod the
 * scheduler cannot place ({@code PodScheduled=False}, reason {@code Unschedulable}) once that has
 * lasted {@link #SCHEDULING_GRACE}. The message is the kubelet's or the scheduler's; a waiting
 * container's names the container and its image. Every container counts, init or not: a pod
 * whose agent runs while a dump's image cannot be pulled never ends either.
 *
 * <p>"Lasted" is measured from the pod's own timestamps, never from memory, so a restarted
 * operator decides the same: the {@code PodScheduled} condition's {@code lastTransitionTime}; for
 * a container waiting reason, which carries no time, the pod's {@code status.startTime} (when the
 * kubelet took the pod on and began preparing its containers), else its creation. Pure, but for
 * finding a Job's newest pod ({@link #of(Jobs, Job)}).
 */
public final class StuckPods {
  /** How long a container may wait with one of {@link #WAITING_REASONS} before its pod counts as stuck. */
  public static final Duration CONTAINER_GRACE = Duration.ofMinutes(2);
  /** How long a pod may be unschedulable before it counts as stuck (a cluster autoscaler may add a node). */
  public static final Duration SCHEDULING_GRACE = Duration.ofMinutes(10);
  public static final String UNSCHEDULABLE = "Unschedulable";
  /** Container waiting reasons that do not go away without someone fixing something. */
  public static final Set<String> WAITING_REASONS = Set.of("CreateContainerConfigError", "ErrImagePull",
      "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

  private StuckPods() {}

  /**
   * A pod that cannot start: the kubelet's or scheduler's reason ({@code cause}) and message, and
   * since when. It counts as stuck from {@link #stuckAt()} on.
   */
  public record Trouble(String pod, String cause, String message, Instant since, Duration grace) {
    /** Trouble of one container: its message names it and its image (when known). */
    static Trouble ofContainer(String pod, ContainerStatus container, String image, Instant since) {
      ContainerStateWaiting waiting = container.getState().getWaiting();
      String message = blank(waiting.getMessage()) ? waiting.getReason() : waiting.getMessage().strip();
      return new Trouble(pod, waiting.getReason(), "container " + container.getName()
          + (blank(image) ? "" : " (image " + image + ")") + ": " + message, since, CONTAINER_GRACE);
    }

    public Instant stuckAt() {
      return since.plus(grace);
    }

    public boolean stuck(Instant now) {
      return !now.isBefore(stuckAt());
    }

    /** Why Job {@code job} failed: {@code Job J cannot start: MESSAGE (CAUSE for 2m)}, reason JobCannotStart. */
    public Problem problem(String job, Instant now) {
      Duration lasted = Duration.between(since, now);
      return new Problem(Reasons.JOB_CANNOT_START, "Job " + job + " cannot start: " + message + " (" + cause
          + " for " + Durations.format(lasted.isNegative() ? Duration.ZERO : lasted) + ")");
    }
  }

  /**
   * What a not yet finished Job's newest pod says about starting: it has started (every container
   * ran, or the pod ended), it is on its way (no pod yet, some containers not started yet, nothing
   * wrong to be seen), or it is in {@code trouble}.
   */
  public record Start(boolean started, Trouble trouble) {
    public static final Start STARTED = new Start(true, null);
    public static final Start ON_ITS_WAY = new Start(false, null);

    /** No pod yet, or one without a known trouble: nothing wakes a controller when that changes, so look again. */
    public boolean onItsWay() {
      return !started && trouble == null;
    }

    /** The Job's problem once its pod is stuck; empty before that, and for a pod that started or may still. */
    public Optional<Problem> stuck(Job job, Instant now) {
      return trouble != null && trouble.stuck(now)
          ? Optional.of(trouble.problem(job.getMetadata().getName(), now)) : Optional.empty();
    }

    /** When a pod in trouble turns stuck, if it has not yet: the instant to look again at the latest. */
    public Optional<Instant> stuckAt(Instant now) {
      return trouble != null && !trouble.stuck(now) ? Optional.of(trouble.stuckAt()) : Optional.empty();
    }

    /** {@code poll}, or less when a pod in trouble turns stuck before that. */
    public Duration recheck(Instant now, Duration poll) {
      return stuckAt(now).map(at -> Duration.between(now, at)).filter(until -> until.compareTo(poll) < 0).orElse(poll);
    }
  }

  /** The newest pod of a Job, or none. */
  public static Start of(Jobs jobs, Job job) {
    return of(jobs.newestPod(job).orElse(null));
  }

  /** What {@code pod} (null: none yet) says about starting. */
  public static Start of(Pod pod) {
    if (pod == null || pod.getStatus() == null) {
      return Start.ON_ITS_WAY;
    }
    PodStatus status = pod.getStatus();
    if (List.of("Succeeded", "Failed").contains(status.getPhase())) {
      return Start.STARTED;
    }
    List<ContainerStatus> containers = new ArrayList<>();
    Stream.of(status.getInitContainerStatuses(), status.getContainerStatuses())
        .filter(list -> list != null).forEach(containers::addAll);
    String name = pod.getMetadata().getName();
    // Before "a container ran": the agent may run (and wait) while another container cannot start.
    Optional<Trouble> waiting = containers.stream()
        .filter(c -> c.getState() != null && c.getState().getWaiting() != null
            && WAITING_REASONS.contains(c.getState().getWaiting().getReason()))
        .findFirst()
        .flatMap(c -> since(status.getStartTime(), pod.getMetadata().getCreationTimestamp())
            .map(since -> Trouble.ofContainer(name, c, image(pod, c), since)));
    if (waiting.isPresent()) {
      return new Start(false, waiting.get());
    }
    if (containers.isEmpty() ? "Running".equals(status.getPhase()) : containers.stream().allMatch(StuckPods::ran)) {
      return Start.STARTED;
    }
    if (containers.stream().anyMatch(StuckPods::ran)) {
      // Partly started (the agent runs, a dump's image is still being pulled): nothing wakes a controller
      // when another container gets into trouble, so it is looked at again until every container ran.
      return Start.ON_ITS_WAY;
    }
    Optional<PodCondition> unschedulable = status.getConditions() == null ? Optional.empty()
        : status.getConditions().stream()
            .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                && UNSCHEDULABLE.equals(c.getReason()))
            .findFirst();
    return unschedulable
        .flatMap(c -> since(c.getLastTransitionTime(), pod.getMetadata().getCreationTimestamp())
            .map(since -> new Trouble(name, UNSCHEDULABLE, blank(c.getMessage()) ? "no node fits the pod" : c.getMessage().strip(),
                since, SCHEDULING_GRACE)))
        .map(trouble -> new Start(false, trouble))
        .orElse(Start.ON_ITS_WAY);
  }

  private static boolean ran(ContainerStatus container) {
    return container.getState() != null
        && (container.getState().getRunning() != null || container.getState().getTerminated() != null);
  }

  /** The container's image as its status reports it, else as the pod's spec names it. */
  private static String image(Pod pod, ContainerStatus container) {
    if (!blank(container.getImage())) {
      return container.getImage();
    }
    if (pod.getSpec() == null) {
      return null;
    }
    return Stream.of(pod.getSpec().getInitContainers(), pod.getSpec().getContainers()).filter(list -> list != null)
        .flatMap(List::stream).filter(c -> container.getName().equals(c.getName())).map(Container::getImage)
        .findFirst().orElse(null);
  }

  private static Optional<Instant> since(String first, String fallback) {
    return Optional.ofNullable(Times.parse(first)).or(() -> Optional.ofNullable(Times.parse(fallback)));
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
