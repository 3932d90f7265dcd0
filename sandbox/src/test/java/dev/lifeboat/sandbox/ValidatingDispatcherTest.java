package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.sandbox.validation.CustomResourceValidatorTest;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox's API server refuses what a real one refuses, whoever writes: create, update, patch. */
class ValidatingDispatcherTest {
  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ValidatingDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    Sandbox.installCrds(client, false);
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private BackupPolicy policy(String schedule) {
    return client.getKubernetesSerialization().unmarshal(
        CustomResourceValidatorTest.POLICY.replace("0 2 * * *", schedule), BackupPolicy.class);
  }

  private BackupPolicy stored() {
    return client.resources(BackupPolicy.class).inNamespace("rose").withName("rose-memory").get();
  }

  @Test
  void anInvalidCreateIsRefusedWith422AndACausePerFieldAndNothingIsStored() {
    assertThatThrownBy(() -> client.resource(policy("every day at 2")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
          assertThat(e.getStatus().getMessage()).startsWith("BackupPolicy.lifeboat.dev \"rose-memory\" is invalid: "
              + "spec.schedule: Invalid value: \"every day at 2\": spec.schedule in body should match '");
          assertThat(e.getStatus().getDetails().getCauses()).extracting(StatusCause::getField, StatusCause::getReason)
              .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.schedule", "FieldValueInvalid"));
        });
    assertThat(stored()).isNull();
  }

  @Test
  void updatesAndPatchesThatBreakAnObjectAreRefusedAndTheStoredOneStays() {
    client.resource(policy("0 2 * * *")).create();

    assertThatThrownBy(() -> client.resources(BackupPolicy.class).inNamespace("rose").withName("rose-memory")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"retention\":{\"keepDaily\":0}}}"))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
            .endsWith("spec.retention: Invalid value: \"object\": retention needs at least one keep rule greater than 0"));
    assertThatThrownBy(() -> client.resources(BackupPolicy.class).inNamespace("rose").withName("rose-memory")
        .edit(p -> {
          p.getSpec().schedule = "daily";
          return p;
        }))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    assertThatThrownBy(() -> client.resource(policy("at noon")).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    assertThat(stored().getSpec().schedule).isEqualTo("0 2 * * *");
    assertThat(stored().getSpec().retention.keepDaily).isEqualTo(7);

    client.resources(BackupPolicy.class).inNamespace("rose").withName("rose-memory")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"trigger\":{\"manual\":\"now\"}}}");
    assertThat(stored().getSpec().trigger.manual).isEqualTo("now");
  }

  @Test
  void aRestoreRequestsSpecIsImmutableAsItsTransitionRuleSays() {
    RestoreRequest request = client.getKubernetesSerialization().unmarshal(CustomResourceValidatorTest.RESTORE,
        RestoreRequest.class);
    client.resource(request).create();
    assertThatThrownBy(() -> client.resources(RestoreRequest.class).inNamespace("rose").withName("rose-restore")
        .edit(r -> {
          r.getSpec().target.claim = "other-data";
          return r;
        }))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
            .endsWith("spec: Invalid value: \"object\": spec is immutable; create a new RestoreRequest instead"));
  }

  @Test
  void unknownFieldsAreRefusedWhenTheClientAsksForStrictValidationAsKubectlDoes() throws Exception {
    String path = "/apis/lifeboat.dev/v1alpha1/namespaces/rose/backuppolicies";
    String typo = client.getKubernetesSerialization().asJson(new YAMLMapper()
        .readTree(CustomResourceValidatorTest.POLICY.replace("retention:", "retension:")));
    var strict = RawRequests.send(client, "POST", path + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
        "application/json", typo);
    assertThat(strict.statusCode()).isEqualTo(400);
    assertThat(strict.body()).contains("BackupPolicy in version \\\"v1alpha1\\\" cannot be handled as a BackupPolicy: "
        + "strict decoding error: unknown field \\\"spec.retension\\\"");
    assertThat(stored()).isNull();

    // a fabric8 client does not ask: the object is stored (a cluster would drop the field, not played here)
    client.resource(policy("0 2 * * *")).create();
    var patched = RawRequests.send(client, "PATCH", path + "/rose-memory?fieldValidation=Strict",
        "application/merge-patch+json", "{\"spec\":{\"trigger\":{\"manul\":\"now\"}}}");
    assertThat(patched.statusCode()).isEqualTo(400);
    assertThat(patched.body()).contains("unknown field \\\"spec.trigger.manul\\\"");
  }
}
