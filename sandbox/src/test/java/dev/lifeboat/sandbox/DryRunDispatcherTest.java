package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.ApiServerStandIn.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.sandbox.validation.CustomResourceValidatorTest;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server dry run answers what a write would store and stores nothing (kubectl diff, --dry-run=server). */
class DryRunDispatcherTest {
  private static final String POLICIES = "/apis/lifeboat.dev/v1alpha1/namespaces/rose/backuppolicies";
  private static final String DEPLOYMENT = "/apis/apps/v1/namespaces/rose/deployments/rose";
  private static final String DRY_RUN = "?dryRun=All&fieldManager=kubectl-client-side-apply&fieldValidation=Strict";
  @RegisterExtension
  final ApiServerStandIn api = new ApiServerStandIn();

  @BeforeEach
  void start() throws Exception {
    api.roseDeployment(new ContainerBuilder().withName("app").withImage("rose:1").build());
  }


  private String policyJson(String from, String to) throws Exception {
    return api.client().getKubernetesSerialization().asJson(new YAMLMapper()
        .readTree(CustomResourceValidatorTest.POLICY.replace(from, to)));
  }

  private BackupPolicy storedPolicy() {
    return api.client().resources(BackupPolicy.class).inNamespace("rose").withName("rose-memory").get();
  }

  @Test
  void aDryRunCreateIsCheckedAndAnsweredButNotStored() throws Exception {
    HttpResponse<String> created = api.send("POST", POLICIES + DRY_RUN, "application/json", policyJson("", ""));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).at("/spec/schedule").asText()).isEqualTo("0 2 * * *");
    assertThat(storedPolicy()).isNull();

    HttpResponse<String> invalid = api.send("POST", POLICIES + DRY_RUN, "application/json",
        policyJson("0 2 * * *", "every day at 2"));
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(json(invalid).path("message").asText()).contains("spec.schedule");
  }

  @Test
  void aDryRunPatchAnswersTheChangedObjectAndChangesNothing() throws Exception {
    api.send("POST", POLICIES, "application/json", policyJson("", ""));
    HttpResponse<String> merged = api.send("PATCH", POLICIES + "/rose-memory" + DRY_RUN,
        "application/merge-patch+json", "{\"spec\":{\"schedule\":\"0 3 * * *\"}}");
    assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
    assertThat(json(merged).at("/spec/schedule").asText()).isEqualTo("0 3 * * *");
    assertThat(storedPolicy().getSpec().schedule).isEqualTo("0 2 * * *");

    // a built-in object's strategic merge patch, as kubectl diff sends it
    HttpResponse<String> strategic = api.send("PATCH", DEPLOYMENT + DRY_RUN, StrategicMergeDispatcher.CONTENT_TYPE,
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"rose:2\"}]}}}}");
    assertThat(strategic.statusCode()).as(strategic.body()).isEqualTo(200);
    assertThat(json(strategic).at("/spec/template/spec/containers/0/image").asText()).isEqualTo("rose:2");
    assertThat(api.client().apps().deployments().inNamespace("rose").withName("rose").get().getSpec().getTemplate()
        .getSpec().getContainers().get(0).getImage()).isEqualTo("rose:1");
  }

  @Test
  void aDryRunScaleChangesNoReplicas() {
    HttpResponse<String> scaled = api.send("PATCH", DEPLOYMENT + "/scale?dryRun=All", "application/merge-patch+json",
        "{\"spec\":{\"replicas\":7}}");
    assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
    assertThat(api.client().apps().deployments().inNamespace("rose").withName("rose").get().getSpec().getReplicas())
        .isEqualTo(1);
  }

  @Test
  void aDryRunCustomResourceDefinitionDefinesNothing() {
    String crd = """
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "widgets.example.com"},
         "spec": {"group": "example.com", "scope": "Namespaced",
           "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
           "versions": [{"name": "v1", "served": true, "storage": true,
             "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object",
               "properties": {"a": {"type": "string"}}}}}}}]}}
        """;
    assertThat(api.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions?dryRun=All",
        "application/json", crd).statusCode()).isEqualTo(201);
    assertThat(api.client().apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get())
        .isNull();
    // no schema of it is checked: the dry run left no trace
    HttpResponse<String> widget = api.send("POST", "/apis/example.com/v1/namespaces/rose/widgets?fieldValidation=Strict",
        "application/json", "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},"
            + "\"spec\":{\"b\":\"x\"}}");
    assertThat(widget.body()).doesNotContain("strict decoding error");
  }

  @Test
  void aDryRunDeleteLeavesTheObject() {
    HttpResponse<String> deleted = api.send("DELETE", DEPLOYMENT + "?dryRun=All", null, null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(api.client().apps().deployments().inNamespace("rose").withName("rose").get()).isNotNull();
    assertThat(api.send("DELETE", "/apis/apps/v1/namespaces/rose/deployments/lily?dryRun=All", null, null)
        .statusCode()).isEqualTo(404);
    // kubectl delete --dry-run=server says so in the DeleteOptions it sends as the body
    HttpResponse<String> asKubectl = api.send("DELETE", DEPLOYMENT, "application/json",
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\",\"dryRun\":[\"All\"]}");
    assertThat(asKubectl.statusCode()).isEqualTo(200);
    assertThat(api.client().apps().deployments().inNamespace("rose").withName("rose").get()).isNotNull();
    assertThat(api.send("DELETE", DEPLOYMENT, "application/json",
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\"}").statusCode())
        .isEqualTo(200);
    assertThat(api.client().apps().deployments().inNamespace("rose").withName("rose").get()).isNull();
  }
}
