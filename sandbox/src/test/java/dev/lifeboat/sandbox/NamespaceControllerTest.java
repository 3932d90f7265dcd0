package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.sandbox.validation.CustomResourceValidatorTest;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** kubectl delete namespace takes everything in the namespace with it, and nothing elsewhere. */
class NamespaceControllerTest {
  private ApiServerStandIn api;
  private NamespaceController controller;

  @BeforeEach
  void start() throws Exception {
    api = new ApiServerStandIn();
    List<Class<? extends HasMetadata>> kinds = new ArrayList<>(NamespaceController.KINDS);
    kinds.remove(VolumeSnapshot.class); // this API server has no snapshot API
    controller = new NamespaceController(api.client(), kinds).start();
  }

  @AfterEach
  void stop() {
    controller.close();
    api.close();
  }

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
        .withNewResources().addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi")).endResources()
        .endSpec().build()).create();
    api.client().resource(api.client().getKubernetesSerialization().unmarshal(CustomResourceValidatorTest.POLICY,
        BackupPolicy.class)).create();

    api.client().namespaces().withName("rose").delete();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(api.client().secrets().inNamespace("rose").list().getItems()).isEmpty();
      assertThat(api.client().apps().deployments().inNamespace("rose").list().getItems()).isEmpty();
      assertThat(api.client().persistentVolumeClaims().inNamespace("rose").list().getItems()).isEmpty();
      assertThat(api.client().resources(BackupPolicy.class).inNamespace("rose").list().getItems()).isEmpty();
    });
    assertThat(api.client().secrets().inNamespace("lily").list().getItems()).hasSize(1);
    assertThat(api.client().namespaces().withName("lily").get()).isNotNull();
  }
}
