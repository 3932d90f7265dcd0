package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's pods/exec subresource, which in a cluster the API server proxies to the
 * kubelet and the runtime: here the command runs as a local process "in" the pod's container
 * ({@link ContainerLaunch#prepareExec}: its environment, its mounts mapped to the directories
 * standing in for them, its working directory and, as root, its identity), streamed back over a
 * WebSocket ({@link PodExecSession}). Everything else is {@link PodLogDispatcher}'s.
 *
 * <p>The fabric8 client (and kubectl) ask {@code GET|POST /api/v1/namespaces/<ns>/pods/<pod>/exec
 * ?command=..&command=..&container=<c>&stdout=true&stderr=true[&stdin=true]} with an upgrade to a
 * WebSocket of subprotocol {@code v4.channel.k8s.io}. Refusals are answered before the upgrade, as
 * the API server answers them: an unknown pod is 404; no command, no stream, an unknown
 * container, or a pod of several containers without {@code container}, 400 in the API server's
 * words. A container that is not running is 400 too: a completed pod in kubectl's words (which
 * checks the phase itself), any other in the kubelet's ({@code container not found ("c")}, which
 * kubectl shows after "unable to upgrade connection: "). The pod of a Deployment or StatefulSet
 * runs no process in the sandbox ({@link WorkloadController}), yet is Running: an exec into it
 * runs its command as the container would, which is what an app's hooks need; what the app itself
 * would hold in memory or in its image is not there. Deleting the pod kills what was exec'd in it,
 * at once (no grace period). {@code tty} is not played.
 */
class PodExecDispatcher extends PodLogDispatcher implements AutoCloseable {
  private static final Pattern EXEC_PATH = Pattern.compile(
      "^/api/v1/namespaces/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/pods/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)/exec$");

  private static final Pattern POD_PATH = Pattern.compile(
      "^/api/v1/namespaces/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/pods/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$");

  private final Path state;
  /** Set once the API server's client exists (the dispatcher is made before the server). */
  private volatile ContainerLaunch launcher;
  /** The execs whose processes run, so that closing the sandbox ends them. */
  private final Set<PodExecSession> sessions = ConcurrentHashMap.newKeySet();

  PodExecDispatcher(Path state) {
    super(state);
    this.state = state;
  }

  /** Lets execs run, through {@code launcher}. */
  void runExecsWith(ContainerLaunch launcher) {
    this.launcher = launcher;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher exec = EXEC_PATH.matcher(path(request));
    String method = String.valueOf(request.getMethod());
    if (method.equalsIgnoreCase("DELETE")) {
      Matcher pod = POD_PATH.matcher(path(request));
      MockResponse response = super.dispatch(request);
      if (pod.matches() && response.code() == 200 && !isDryRun(request)) {
        // As a runtime killing the container: what was exec'd in it ends with it.
        sessions.stream().filter(s -> s.isIn(pod.group(1), pod.group(3))).forEach(s -> s.kill("pod deleted"));
      }
      return response;
    }
    if (!exec.matches() || !(method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("POST"))) {
      return super.dispatch(request);
    }
    return exec(exec.group(1), exec.group(3), queryAll(rawQuery(request)));
  }

  private MockResponse exec(String namespace, String podName, Map<String, List<String>> query) {
    Pod pod = pod(namespace, podName);
    if (pod == null || pod.getSpec() == null) {
      return status(404, "NotFound", "pods \"" + podName + "\" not found");
    }
    List<String> command = query.getOrDefault("command", List.of());
    if (command.isEmpty()) {
      return status(400, "BadRequest", "you must specify at least 1 command");
    }
    boolean stdin = flag(query, "stdin");
    boolean stdout = flag(query, "stdout");
    boolean stderr = flag(query, "stderr");
    if (!stdin && !stdout && !stderr) {
      return status(400, "BadRequest", "you must specify at least one of stdin, stdout, stderr");
    }
    String name = query.getOrDefault("container", List.of("")).get(0);
    List<Container> containers = pod.getSpec().getContainers();
    if (name.isEmpty()) {
      if (containers.size() != 1) {
        return status(400, "BadRequest", "a container name must be specified for pod " + podName + ", choose one of: "
            + containers.stream().map(Container::getName).toList().toString().replace(",", ""));
      }
      name = containers.get(0).getName();
    }
    String chosen = name;
    Container container = ContainerLaunch.allContainers(pod.getSpec()).stream()
        .filter(c -> c.getName().equals(chosen)).findFirst().orElse(null);
    if (container == null) {
      return status(400, "BadRequest", "container " + name + " is not valid for pod " + podName);
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return status(400, "BadRequest", "cannot exec into a container in a completed pod; current phase is " + phase);
    }
    if (!running(pod, name)) {
      return status(400, "BadRequest", "container not found (\"" + name + "\")");
    }
    ContainerLaunch launch = launcher;
    if (launch == null) {
      return status(503, "ServiceUnavailable", "the sandbox is starting");
    }
    Path podDir = state.resolve("pods").resolve(namespace).resolve(podName);
    PodSpec spec = pod.getSpec();
    PodExecSession session = new PodExecSession(namespace, podName, name, command, stdin, stdout, stderr,
        podDir.resolve("exec"), sessions, () -> launch.prepareExec(namespace, spec, container, podDir, command));
    return new MockResponse().withWebSocketUpgrade(session);
  }

  private static boolean flag(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values != null && ("true".equalsIgnoreCase(values.get(0)) || "1".equals(values.get(0)));
  }

  /** Whether the pod's status shows the container running (a Deployment's pods always do). */
  private static boolean running(Pod pod, String container) {
    if (pod.getStatus() == null) {
      return false;
    }
    return java.util.stream.Stream.of(pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses())
        .filter(java.util.Objects::nonNull).flatMap(List::stream)
        .filter(s -> container.equals(s.getName())).map(ContainerStatus::getState)
        .anyMatch(s -> s != null && s.getRunning() != null);
  }

  /** Ends every exec still running, as the node going away would. */
  @Override
  public void close() {
    sessions.forEach(s -> s.kill("the sandbox is closing"));
  }
}
