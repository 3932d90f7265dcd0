package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The scale subresource of Deployments and StatefulSets ({@code GET}/{@code PUT .../scale}), through
 * which the operator scales workloads for a restore. The CRUD mock does not serve it (it would store a
 * PUT to {@code .../rose/scale} as an object of its own and leave the workload alone), so it is
 * played as the API server plays it: a Scale is a view of the workload's {@code spec.replicas},
 * {@code status.replicas} and selector, and writing one changes {@code spec.replicas} only.
 */
class ScaleSubresourceDispatcher extends NamespaceDeletionDispatcher {
  private static final Pattern SCALE =
      Pattern.compile("^(/apis/apps/v1/namespaces/[^/]+/(?:deployments|statefulsets)/[^/]+)/scale$");
  private final KubernetesSerialization json = new KubernetesSerialization();

  ScaleSubresourceDispatcher() {
    super();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher scale = SCALE.matcher(PodLogDispatcher.path(request));
    if (!scale.matches()) {
      return super.dispatch(request);
    }
    String workload = scale.group(1);
    MockResponse answer;
    switch (request.getMethod().toUpperCase(java.util.Locale.ROOT)) {
      case "GET" -> answer = handleGet(workload);
      case "PUT", "PATCH" -> {
        Integer replicas = json.unmarshal(request.getUtf8Body(), Scale.class).getSpec().getReplicas();
        Buffer patch = new Buffer().write(("{\"spec\":{\"replicas\":" + replicas + "}}").getBytes(StandardCharsets.UTF_8));
        String query = PodLogDispatcher.rawQuery(request); // a dry run stays one
        answer = handlePatch(new RecordedRequest("HTTP/1.1", HttpMethod.PATCH,
            query == null ? workload : workload + "?" + query,
            Headers.builder().add("Content-Type", "application/merge-patch+json").build(), patch));
      }
      default -> {
        return new MockResponse().setResponseCode(405);
      }
    }
    if (answer.code() != 200) {
      return answer;
    }
    return new MockResponse().setResponseCode(200)
        .setBody(json.asJson(scaleOf(json.unmarshal(answer.getBody().readUtf8(), GenericKubernetesResource.class))));
  }

  private static Scale scaleOf(GenericKubernetesResource workload) {
    Integer wanted = workload.get("spec", "replicas");
    Integer running = workload.get("status", "replicas");
    Map<String, String> matchLabels = workload.get("spec", "selector", "matchLabels");
    return new ScaleBuilder()
        .withNewMetadata().withName(workload.getMetadata().getName()).withNamespace(workload.getMetadata().getNamespace())
        .withResourceVersion(workload.getMetadata().getResourceVersion()).endMetadata()
        .withNewSpec().withReplicas(wanted == null ? 1 : wanted).endSpec()
        .withNewStatus().withReplicas(running == null ? 0 : running)
        .withSelector(matchLabels == null ? "" : matchLabels.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")))
        .endStatus()
        .build();
  }
}
