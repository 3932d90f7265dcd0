package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's pods/log subresource, which in a cluster the API server proxies to the
 * kubelet: here the "kubelet" is {@link LocalJobRunner}, so a container's log is the file it
 * writes, {@code <state>/pods/<namespace>/<pod>/containers/<container>/container.log}. Everything
 * else is {@link ScaleSubresourceDispatcher}'s.
 *
 * <p>The fabric8 client asks {@code GET /api/v1/namespaces/<ns>/pods/<pod>/log?pretty=false
 * &container=<c>[&tailLines=N][&limitBytes=N]}. {@code container} names an init container or a
 * container of the pod; without it, the pod's first container (kubectl's default; the API server
 * itself asks to choose when a pod has several). A name the pod does not have is 400, as is a
 * container still waiting to start (the API server's "is waiting to start: REASON"); a container
 * with no log yet otherwise is 404. previous, sinceSeconds, sinceTime and timestamps are not played.
 */
class PodLogDispatcher extends ScaleSubresourceDispatcher {
  /** Names are DNS labels/subdomains: this also keeps a request path from leaving the pods folder. */
  private static final Pattern LOG_PATH = Pattern.compile(
      "^/api/v1/namespaces/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/pods/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)/log$");

  /** A container name is a DNS label: this keeps a query from leaving the pod's folder. */
  private static final Pattern CONTAINER_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final Path state;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  PodLogDispatcher(Path state) {
    this.state = state;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher log = LOG_PATH.matcher(path(request));
    if (!"GET".equalsIgnoreCase(request.getMethod()) || !log.matches()) {
      return super.dispatch(request);
    }
    return serve(log.group(1), log.group(3), query(rawQuery(request)));
  }

  /** The request's path without its query (split by hand: other requests' queries need not be strict URI syntax). */
  static String path(RecordedRequest request) {
    String target = request.getPath() == null ? "" : request.getPath();
    int question = target.indexOf('?');
    return question < 0 ? target : target.substring(0, question);
  }

  /** The request's body as sent (none: empty), left for the CRUD mock to read again (getUtf8Body would consume it). */
  static byte[] body(RecordedRequest request) {
    return request.getBody() == null ? new byte[0] : request.getBody().getBytes();
  }

  /** The request's query as sent, or null. */
  static String rawQuery(RecordedRequest request) {
    String target = request.getPath() == null ? "" : request.getPath();
    int question = target.indexOf('?');
    return question < 0 ? null : target.substring(question + 1);
  }

  /** Where the job runner writes a container's log. */
  static Path logFile(Path state, String namespace, String pod, String container) {
    return ContainerLaunch.containerDir(state.resolve("pods").resolve(namespace).resolve(pod), container)
        .resolve("container.log");
  }

  private MockResponse serve(String namespace, String pod, Map<String, String> query) {
    Pod object = pod(namespace, pod);
    String container = query.get("container");
    if (container == null || container.isEmpty()) {
      if (object == null || object.getSpec() == null || object.getSpec().getContainers().isEmpty()) {
        return status(404, "NotFound", "pods \"" + pod + "\" not found");
      }
      container = object.getSpec().getContainers().get(0).getName();
    } else if (object != null && object.getSpec() != null
        && ContainerLaunch.allContainers(object.getSpec()).stream().noneMatch(c -> c.getName().equals(query.get("container")))) {
      return status(400, "BadRequest", "container " + container + " is not valid for pod " + pod);
    }
    if (!CONTAINER_NAME.matcher(container).matches()) {
      return status(400, "BadRequest", "container " + container + " is not valid for pod " + pod);
    }
    Path file = logFile(state, namespace, pod, container);
    if (!Files.isRegularFile(file)) {
      String waiting = waitingReason(object, container);
      if (waiting != null) {
        return status(400, "BadRequest", "container \"" + container + "\" in pod \"" + pod + "\" is waiting to start: "
            + waiting);
      }
      return status(404, "NotFound", "pods \"" + pod + "\" not found, or container " + container + " has no log yet");
    }
    Integer tailLines;
    Integer limitBytes;
    try {
      tailLines = nonNegative(query.get("tailLines"));
      limitBytes = nonNegative(query.get("limitBytes"));
    } catch (NumberFormatException e) {
      return status(400, "BadRequest", "tailLines and limitBytes must be non-negative integers");
    }
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      return status(500, "InternalError", "cannot read the log of " + namespace + "/" + pod + ": " + e.getMessage());
    }
    // As the kubelet does: tailLines picks the last lines first, then limitBytes cuts from their start.
    int from = tailLines == null ? 0 : startOfLastLines(content, tailLines);
    int to = limitBytes == null ? content.length : (int) Math.min(content.length, (long) from + limitBytes);
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
        .setBody(Arrays.copyOfRange(content, from, to));
  }

  /** The pod from the API server's store, or null. */
  Pod pod(String namespace, String name) {
    MockResponse response = handleGet("/api/v1/namespaces/" + namespace + "/pods/" + name);
    if (response == null || response.code() != 200 || response.getBody() == null) {
      return null;
    }
    try {
      return serialization.unmarshal(response.getBody().readUtf8(), Pod.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Why the pod's status says the container has not started, or null. */
  private static String waitingReason(Pod pod, String container) {
    if (pod == null || pod.getStatus() == null) {
      return null;
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    for (List<ContainerStatus> list : Arrays.asList(pod.getStatus().getInitContainerStatuses(),
        pod.getStatus().getContainerStatuses())) {
      if (list != null) {
        statuses.addAll(list);
      }
    }
    return statuses.stream().filter(s -> container.equals(s.getName()) && s.getState() != null
        && s.getState().getWaiting() != null).map(s -> s.getState().getWaiting().getReason()).findFirst().orElse(null);
  }

  /** Offset where the last {@code lines} lines begin; a final newline ends a line, it does not start one. */
  static int startOfLastLines(byte[] content, int lines) {
    if (lines == 0) {
      return content.length;
    }
    int end = content.length > 0 && content[content.length - 1] == '\n' ? content.length - 1 : content.length;
    int seen = 0;
    for (int i = end - 1; i >= 0; i--) {
      if (content[i] == '\n' && ++seen == lines) {
        return i + 1;
      }
    }
    return 0;
  }

  private static Integer nonNegative(String value) {
    if (value == null) {
      return null;
    }
    int parsed = Integer.parseInt(value);
    if (parsed < 0) {
      throw new NumberFormatException(value);
    }
    return parsed;
  }

  /** The query's parameters, the last value of each. */
  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    queryAll(rawQuery).forEach((key, values) -> query.put(key, values.get(values.size() - 1)));
    return query;
  }

  /** The query's parameters, every value of each in order (exec's {@code command} repeats). */
  static Map<String, List<String>> queryAll(String rawQuery) {
    Map<String, List<String>> query = new HashMap<>();
    if (rawQuery == null) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  /** A failure as the API server reports it, so the client raises its usual KubernetesClientException. */
  MockResponse status(int code, String reason, String message) {
    Status status = new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure")
        .withCode(code).withReason(reason).withMessage(message).build();
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(serialization.asJson(status));
  }
}
