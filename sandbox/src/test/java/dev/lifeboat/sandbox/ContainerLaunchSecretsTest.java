package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container whose Secrets are missing is not started, and says why in the kubelet's words. */
@EnableKubernetesMockClient(crud = true)
class ContainerLaunchSecretsTest {
  static final String NS = "rose";
  KubernetesClient client;
  @TempDir
  Path state;

  ContainerLaunch launcher() {
    return new ContainerLaunch(client, state);
  }

  /** Stored as the API server stores a Secret: in data, base64 (the CRUD mock of this test would keep stringData). */
  void secret(String name, String... keys) {
    var secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata();
    for (String key : keys) {
      secret.addToData(key, Base64.getEncoder().encodeToString(("value-of-" + key).getBytes(StandardCharsets.UTF_8)));
    }
    client.secrets().inNamespace(NS).resource(secret.build()).create();
  }

  /** The agent's container: S3 credentials as env from s3-credentials. */
  static PodSpecBuilder agent() {
    return new PodSpecBuilder().addNewContainer().withName("agent").withImage("lifeboat:test")
        .addNewEnv().withName("AWS_ACCESS_KEY_ID").withNewValueFrom().withNewSecretKeyRef().withName("s3-credentials")
        .withKey("AWS_ACCESS_KEY_ID").endSecretKeyRef().endValueFrom().endEnv()
        .addNewEnv().withName("AWS_SECRET_ACCESS_KEY").withNewValueFrom().withNewSecretKeyRef().withName("s3-credentials")
        .withKey("AWS_SECRET_ACCESS_KEY").endSecretKeyRef().endValueFrom().endEnv()
        .endContainer();
  }

  @Test
  void aMissingSecretInEnvIsCreateContainerConfigErrorSecretNotFound() {
    var waiting = launcher().waitingFor(NS, agent().build()).orElseThrow();

    assertThat(waiting.reason()).isEqualTo("CreateContainerConfigError");
    assertThat(waiting.message()).isEqualTo("secret \"s3-credentials\" not found");
    assertThat(waiting.eventReason()).isEqualTo("Failed");
    assertThat(waiting.eventMessage()).isEqualTo("Error: secret \"s3-credentials\" not found");
  }

  @Test
  void aMissingKeyIsCreateContainerConfigErrorNamingKeyAndSecret() {
    secret("s3-credentials", "AWS_ACCESS_KEY_ID");

    var waiting = launcher().waitingFor(NS, agent().build()).orElseThrow();

    assertThat(waiting.reason()).isEqualTo("CreateContainerConfigError");
    assertThat(waiting.message()).isEqualTo("couldn't find key AWS_SECRET_ACCESS_KEY in Secret rose/s3-credentials");
  }

  @Test
  void aSecretCreatedLaterLetsTheContainerStart() {
    assertThat(launcher().waitingFor(NS, agent().build())).isPresent();
    secret("s3-credentials", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");

    assertThat(launcher().waitingFor(NS, agent().build())).isEmpty();
  }

  @Test
  void aMissingEnvFromSecretIsCreateContainerConfigErrorUnlessOptional() {
    PodSpec pod = new PodSpecBuilder().addNewContainer().withName("agent").withImage("lifeboat:test")
        .addNewEnvFrom().withNewSecretRef().withName("extra").endSecretRef().endEnvFrom().endContainer().build();
    PodSpec optional = new PodSpecBuilder().addNewContainer().withName("agent").withImage("lifeboat:test")
        .addNewEnvFrom().withNewSecretRef().withName("extra").withOptional(true).endSecretRef().endEnvFrom()
        .endContainer().build();

    assertThat(launcher().waitingFor(NS, pod)).hasValueSatisfying(waiting ->
        assertThat(waiting.message()).isEqualTo("secret \"extra\" not found"));
    assertThat(launcher().waitingFor(NS, optional)).isEmpty();
  }

  @Test
  void aSecretVolumeThatCannotBeMountedLeavesTheContainerCreatingWithFailedMountEvents() {
    secret("s3-credentials", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    PodSpec pod = agent().addNewVolume().withName("encryption-key").withNewSecret().withSecretName("backup-key")
        .addNewItem().withKey("key").withPath("key").endItem().endSecret().endVolume().build();

    var missing = launcher().waitingFor(NS, pod).orElseThrow();
    assertThat(missing.reason()).isEqualTo("ContainerCreating");
    assertThat(missing.message()).isNull();
    assertThat(missing.eventReason()).isEqualTo("FailedMount");
    assertThat(missing.eventMessage())
        .isEqualTo("MountVolume.SetUp failed for volume \"encryption-key\" : secret \"backup-key\" not found");

    secret("backup-key", "other");
    assertThat(launcher().waitingFor(NS, pod).orElseThrow().eventMessage())
        .isEqualTo("MountVolume.SetUp failed for volume \"encryption-key\" : references non-existent secret key: key");
  }

  @Test
  void anOptionalSecretVolumeNeverHoldsTheContainerBack() {
    secret("s3-credentials", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    PodSpec pod = agent().addNewVolume().withName("encryption-key").withNewSecret().withSecretName("backup-key")
        .withOptional(true).addNewItem().withKey("key").withPath("key").endItem().endSecret().endVolume().build();

    assertThat(launcher().waitingFor(NS, pod)).isEmpty();
    secret("backup-key", "other");
    assertThat(launcher().waitingFor(NS, pod)).isEmpty();
  }
}
