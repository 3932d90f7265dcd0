package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.sandbox.validation.CustomResourceValidatorTest;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kubectl delete namespace takes everything in the namespace with it, and nothing elsewhere. */
class NamespaceDeletionDispatcherTest {
  @RegisterExtension
  final ApiServerStandIn api = new ApiServerStandIn();



  private void secret(String namespace) {
    api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
        .build()).createOr(existing -> existing.update());
    api.client().secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("s3-credentials")
        .endMetadata().addToStringData("AWS_ACCESS_KEY_ID", namespace).build()).create();
  }

  @Test
  void deletingANamespaceDeletesItsObjectsOnly() {
    secret("rose");
    secret("lily");
    api.roseDeployment(new ContainerBuilder().withName("app").withImage("rose:1").build());
    api.client().persistentVolumeClaims().inNamespace("rose").resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("memory-data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
        .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
        .endSpec().build()).create();
    api.client().resource(api.client().getKubernetesSerialization().unmarshal(CustomResourceValidatorTest.POLICY,
        BackupPolicy.class)).create();

    api.client().namespaces().withName("rose").delete();

    // gone by the time the delete is answered
    assertThat(api.client().namespaces().withName("rose").get()).isNull();
    assertThat(api.client().secrets().inNamespace("rose").list().getItems()).isEmpty();
    assertThat(api.client().apps().deployments().inNamespace("rose").list().getItems()).isEmpty();
    assertThat(api.client().persistentVolumeClaims().inNamespace("rose").list().getItems()).isEmpty();
    assertThat(api.client().resources(BackupPolicy.class).inNamespace("rose").list().getItems()).isEmpty();
    assertThat(api.client().secrets().inNamespace("lily").list().getItems()).hasSize(1);
    assertThat(api.client().namespaces().withName("lily").get()).isNotNull();
  }

  @Test
  void whatIsAppliedRightAfterTheDeleteStays() {
    secret("rose");
    api.client().namespaces().withName("rose").delete();
    secret("rose"); // kubectl delete namespace rose && kubectl apply -f rose/
    assertThat(api.client().secrets().inNamespace("rose").withName("s3-credentials").get()).isNotNull();
  }

  @Test
  void aDryRunDeleteOfANamespaceDeletesNothing() {
    secret("rose");
    assertThat(api.send("DELETE", "/api/v1/namespaces/rose?dryRun=All", null, null).statusCode()).isEqualTo(200);
    assertThat(api.client().secrets().inNamespace("rose").list().getItems()).hasSize(1);
    assertThat(api.client().namespaces().withName("rose").get()).isNotNull();
  }
}
