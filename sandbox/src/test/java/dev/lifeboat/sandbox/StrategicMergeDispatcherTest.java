package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.ApiServerStandIn.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API server stand-in takes the strategic merge patches kubectl sends for built-in objects. */
class StrategicMergeDispatcherTest {
  private static final String DEPLOYMENT = "/apis/apps/v1/namespaces/rose/deployments/rose";
  @RegisterExtension
  final ApiServerStandIn api = new ApiServerStandIn();

  @BeforeEach
  void start() throws Exception {
    api.roseDeployment(
        new ContainerBuilder().withName("app").withImage("rose:1").addNewEnv().withName("A").withValue("1").endEnv().build(),
        new ContainerBuilder().withName("sidecar").withImage("side:1").build());
  }


  private HttpResponse<String> patch(String path, String body) {
    return api.send("PATCH", path + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
        StrategicMergeDispatcher.CONTENT_TYPE, body);
  }

  @Test
  void kubectlsPatchOfOneContainerChangesThatContainerOnly() {
    String before = api.client().apps().deployments().inNamespace("rose").withName("rose").get().getMetadata()
        .getResourceVersion();
    HttpResponse<String> patched = patch(DEPLOYMENT, """
        {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
         "containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"name":"A","value":"2"}],"image":"rose:2","name":"app"}]}}}}
        """);
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(json(patched).at("/spec/template/spec/containers/0/image").asText()).isEqualTo("rose:2");

    Deployment stored = api.client().apps().deployments().inNamespace("rose").withName("rose").get();
    assertThat(stored.getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName() + "=" + c.getImage()).containsExactly("app=rose:2", "sidecar=side:1");
    assertThat(stored.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue()).containsExactly("A=2");
    assertThat(stored.getMetadata().getResourceVersion()).isNotEqualTo(before);
  }

  @Test
  void aPatchNamingAnOlderResourceVersionIsAConflict() {
    String version = api.client().apps().deployments().inNamespace("rose").withName("rose").get().getMetadata()
        .getResourceVersion();
    assertThat(patch(DEPLOYMENT, "{\"spec\":{\"replicas\":2}}").statusCode()).isEqualTo(200);
    HttpResponse<String> stale = patch(DEPLOYMENT,
        "{\"metadata\":{\"resourceVersion\":\"" + version + "\"},\"spec\":{\"replicas\":3}}");
    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
    assertThat(api.client().apps().deployments().inNamespace("rose").withName("rose").get().getSpec().getReplicas())
        .isEqualTo(2);
  }

  @Test
  void aSecretsKeysAreMergedAndNullRemovesOne() {
    api.client().secrets().inNamespace("rose").resource(new SecretBuilder().withNewMetadata().withName("s3")
        .withNamespace("rose").endMetadata().withData(Map.of("id", "aWQ=", "old", "b2xk")).build()).create();
    HttpResponse<String> patched = patch("/api/v1/namespaces/rose/secrets/s3", """
        {"data":{"key":"a2V5","old":null}}
        """);
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(api.client().secrets().inNamespace("rose").withName("s3").get().getData())
        .containsOnly(Map.entry("id", "aWQ="), Map.entry("key", "a2V5"));
  }

  @Test
  void aCustomResourceIsRefusedAsTheApiServerRefusesIt() {
    HttpResponse<String> refused = patch("/apis/lifeboat.dev/v1alpha1/namespaces/rose/backuppolicies/rose", "{}");
    assertThat(refused.statusCode()).isEqualTo(415);
    assertThat(json(refused).path("message").asText()).contains("application/merge-patch+json");
  }

  @Test
  void aPatchThatCannotApplyIsRefusedWithTheReasonAndChangesNothing() {
    HttpResponse<String> refused = patch(DEPLOYMENT, """
        {"spec":{"template":{"spec":{"containers":[{"image":"nameless:1"}]}}}}
        """);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(json(refused).path("message").asText()).contains("merge key: name");
    assertThat(patch(DEPLOYMENT, "not json").statusCode()).isEqualTo(400);
    assertThat(patch("/apis/apps/v1/namespaces/rose/deployments/lily", "{}").statusCode()).isEqualTo(404);
    assertThat(api.client().apps().deployments().inNamespace("rose").withName("rose").get().getSpec().getTemplate()
        .getSpec().getContainers()).extracting(c -> c.getImage()).containsExactly("rose:1", "side:1");
  }
}
