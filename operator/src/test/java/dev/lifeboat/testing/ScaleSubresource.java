package dev.lifeboat.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scale subresource of Deployments and StatefulSets ({@code GET}/{@code PUT .../scale}), which the
 * mock API server's CRUD mode does not serve: it stores a PUT to {@code .../rose/scale} as an object
 * of its own and leaves the workload alone. Modelled as the API server does it: the Scale is a view
 * of the workload's {@code spec.replicas}, {@code status.replicas} and selector, and writing it
 * changes {@code spec.replicas} only. Everything else goes to the dispatcher it wraps, expectations
 * first as usual: a test's expectation on a {@code .../scale} path still answers it.
 */
public final class ScaleSubresource extends Dispatcher implements Resetable, CustomResourceAware {
  private static final Pattern SCALE =
      Pattern.compile("^(/apis/apps/v1/namespaces/[^/]+/(?:deployments|statefulsets)/[^/?]+)/scale(?:\\?.*)?$");
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final Map<ServerRequest, Queue<ServerResponse>> expectations;
  private final KubernetesMixedDispatcher next;

  private ScaleSubresource(Map<ServerRequest, Queue<ServerResponse>> expectations) {
    this.expectations = expectations;
    this.next = new KubernetesMixedDispatcher(expectations);
  }

  /** A started mock API server in CRUD mode that serves the scale subresource as well. */
  public static KubernetesMockServer crudServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new ScaleSubresource(responses), false);
    server.init();
    return server;
  }

  @Override
  public void reset() {
    next.reset();
  }

  @Override
  public void expectCustomResource(CustomResourceDefinitionContext context) {
    next.expectCustomResource(context);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher scale = SCALE.matcher(Objects.toString(request.getPath(), ""));
    if (!scale.matches() || expected(request)) {
      return next.dispatch(request);
    }
    String workload = scale.group(1);
    MockResponse answer = switch (request.getMethod().toUpperCase(Locale.ROOT)) {
      case "GET" -> next.dispatch(request(HttpMethod.GET, workload, null, null));
      case "PUT", "PATCH" -> {
        Integer replicas = JSON.unmarshal(request.getUtf8Body(), Scale.class).getSpec().getReplicas();
        yield next.dispatch(request(HttpMethod.PATCH, workload, "application/merge-patch+json",
            "{\"spec\":{\"replicas\":" + replicas + "}}"));
      }
      default -> new MockResponse().setResponseCode(405).setBody(JSON.asJson(new StatusBuilder()
          .withStatus("Failure").withCode(405).withReason("MethodNotAllowed").build()));
    };
    if (answer.code() != 200) {
      return answer;
    }
    return new MockResponse().setResponseCode(200)
        .setBody(JSON.asJson(scaleOf(JSON.unmarshal(answer.getBody().readUtf8(), GenericKubernetesResource.class))));
  }

  /** A test's expectation for this very request answers it, as in the plain mock server. */
  private boolean expected(RecordedRequest request) {
    Queue<ServerResponse> answers = expectations.get(
        new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
    return answers != null && !answers.isEmpty();
  }

  private static Scale scaleOf(GenericKubernetesResource workload) {
    Integer wanted = workload.get("spec", "replicas");
    Integer running = workload.get("status", "replicas");
    Map<String, String> matchLabels = workload.get("spec", "selector", "matchLabels");
    String selector = matchLabels == null ? "" : String.join(",", matchLabels.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).toList());
    return new ScaleBuilder()
        .withNewMetadata().withName(workload.getMetadata().getName())
        .withNamespace(workload.getMetadata().getNamespace())
        .withResourceVersion(workload.getMetadata().getResourceVersion()).endMetadata()
        .withNewSpec().withReplicas(wanted == null ? 1 : wanted).endSpec()
        .withNewStatus().withReplicas(running == null ? 0 : running).withSelector(selector).endStatus()
        .build();
  }

  private static RecordedRequest request(HttpMethod method, String path, String contentType, String body) {
    Headers.Builder headers = Headers.builder();
    if (contentType != null) {
      headers.add("Content-Type", contentType);
    }
    Buffer buffer = new Buffer();
    if (body != null) {
      buffer.write(body.getBytes(StandardCharsets.UTF_8));
    }
    return new RecordedRequest("HTTP/1.1", method, path, headers.build(), buffer);
  }
}
