package dev.lifeboat.sandbox;

import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's status as the kubelet reports it (restartPolicy Never), while the job runner runs its
 * init containers one after another, then its containers all at once, each on its own thread (see
 * {@link LocalJobRunner}): every method is synchronized. Every container has a status from the start:
 *
 * <ul>
 *   <li>not started yet: waiting {@code PodInitializing} (init containers, and regular containers
 *       while init containers have not all completed), else {@code ContainerCreating}; or the
 *       reason the kubelet gives for not creating it ({@code CreateContainerConfigError}, …);</li>
 *   <li>running: {@code started}; a regular container is {@code ready} (no probes are modelled),
 *       an init container is not;</li>
 *   <li>terminated: exit code, reason ({@code Completed}, {@code Error}, {@code StartError}),
 *       message, start and finish times; a completed init container is {@code ready}.</li>
 * </ul>
 *
 * <p>The phase: Failed once an init container failed; Pending until every init container has
 * completed and a container has started; Running while a container has not terminated; then
 * Succeeded when all exited 0, else Failed. Conditions: PodScheduled, Initialized
 * (ContainersNotInitialized naming the incomplete ones), ContainersReady and Ready
 * (ContainersNotReady naming the unready ones, PodCompleted once Succeeded), each with the time
 * it last changed. Times are the cluster's clock.
 */
final class PodStatusReport {
  private final PodSpec spec;
  private final String startTime;
  private final Clock clock;
  private final Map<String, ContainerState> states = new HashMap<>();
  private final Map<String, String> startedAt = new HashMap<>();
  private final Map<String, PodCondition> conditions = new HashMap<>();

  PodStatusReport(PodSpec spec, String startTime, Clock clock) {
    this.spec = spec;
    this.startTime = startTime;
    this.clock = clock;
  }

  synchronized void waiting(String container, String reason, String message) {
    states.put(container, new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message)
        .endWaiting().build());
  }

  synchronized void running(String container) {
    String now = now();
    startedAt.put(container, now);
    states.put(container, new ContainerStateBuilder().withNewRunning().withStartedAt(now).endRunning().build());
  }

  synchronized void terminated(String container, int exitCode, String reason, String message) {
    states.put(container, new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason)
        .withMessage(message).withStartedAt(startedAt.get(container)).withFinishedAt(now()).endTerminated().build());
  }

  private List<Container> initContainers() {
    return spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
  }

  private boolean initialized() {
    return initContainers().stream().allMatch(c -> exitCode(c) != null && exitCode(c) == 0);
  }

  /** The exit code of a terminated container, else null. */
  private Integer exitCode(Container container) {
    ContainerState state = states.get(container.getName());
    return state == null || state.getTerminated() == null ? null : state.getTerminated().getExitCode();
  }

  private ContainerState state(Container container, boolean init) {
    ContainerState state = states.get(container.getName());
    if (state != null) {
      return state;
    }
    String reason = init || !initialized() ? "PodInitializing" : "ContainerCreating";
    return new ContainerStateBuilder().withNewWaiting().withReason(reason).endWaiting().build();
  }

  synchronized String phase() {
    if (initContainers().stream().anyMatch(c -> exitCode(c) != null && exitCode(c) != 0)) {
      return "Failed";
    }
    if (!initialized()) {
      return "Pending";
    }
    List<Container> containers = spec.getContainers();
    if (containers.stream().allMatch(c -> exitCode(c) != null)) {
      return containers.stream().allMatch(c -> exitCode(c) == 0) ? "Succeeded" : "Failed";
    }
    boolean started = containers.stream().anyMatch(c -> {
      ContainerState state = states.get(c.getName());
      return state != null && (state.getRunning() != null || state.getTerminated() != null);
    });
    return started ? "Running" : "Pending";
  }

  synchronized PodStatus build() {
    String phase = phase();
    List<ContainerStatus> init = new ArrayList<>();
    for (Container container : initContainers()) {
      ContainerState state = state(container, true);
      boolean completed = state.getTerminated() != null && state.getTerminated().getExitCode() == 0;
      init.add(status(container, state, completed));
    }
    List<ContainerStatus> regular = new ArrayList<>();
    for (Container container : spec.getContainers()) {
      ContainerState state = state(container, false);
      regular.add(status(container, state, state.getRunning() != null));
    }
    List<String> incomplete = initContainers().stream().filter(c -> exitCode(c) == null || exitCode(c) != 0)
        .map(Container::getName).toList();
    List<String> unready = regular.stream().filter(s -> !s.getReady()).map(ContainerStatus::getName).toList();
    condition("PodScheduled", true, null, null, startTime);
    condition("Initialized", incomplete.isEmpty(), "ContainersNotInitialized",
        "containers with incomplete status: " + names(incomplete), null);
    String notReady = "Succeeded".equals(phase) ? "PodCompleted" : "ContainersNotReady";
    String notReadyMessage = "Succeeded".equals(phase) ? null : "containers with unready status: " + names(unready);
    condition("ContainersReady", unready.isEmpty(), notReady, notReadyMessage, null);
    condition("Ready", unready.isEmpty(), notReady, notReadyMessage, null);
    return new PodStatusBuilder().withPhase(phase).withStartTime(startTime)
        .withConditions(List.of(conditions.get("PodScheduled"), conditions.get("Initialized"),
            conditions.get("ContainersReady"), conditions.get("Ready")))
        .withInitContainerStatuses(init).withContainerStatuses(regular).build();
  }

  private static ContainerStatus status(Container container, ContainerState state, boolean ready) {
    return new ContainerStatusBuilder().withName(container.getName()).withImage(container.getImage())
        .withReady(ready).withStarted(state.getRunning() != null).withRestartCount(0).withState(state).build();
  }

  /** "[a b]", as the kubelet prints a Go slice of names. */
  private static String names(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  /** Sets a condition, keeping its last transition time unless its status changed. */
  private void condition(String type, boolean met, String reason, String message, String since) {
    String status = met ? "True" : "False";
    PodCondition previous = conditions.get(type);
    String transition = previous != null && previous.getStatus().equals(status) ? previous.getLastTransitionTime()
        : since != null ? since : now();
    conditions.put(type, new PodConditionBuilder().withType(type).withStatus(status)
        .withReason(met ? null : reason).withMessage(met ? null : message).withLastTransitionTime(transition).build());
  }

  private String now() {
    return Times.rfc3339(clock.instant());
  }
}
