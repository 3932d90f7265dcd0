package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicySpec;
import dev.lifeboat.api.v1alpha1.BackupSource;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Destination;
import dev.lifeboat.api.v1alpha1.Retention;
import dev.lifeboat.api.v1alpha1.S3Destination;
import dev.lifeboat.api.v1alpha1.SecretRef;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operator → Job → local job runner → real agent process → S3Proxy, all through the sandbox. */
class SandboxEndToEndTest {
  static final String NS = "rose";
  @TempDir
  Path state;
  Sandbox sandbox;

  @BeforeEach
  void start() {
    sandbox = Sandbox.start(state, 0, 1);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  BackupPolicy policy(String name, String trigger) {
    BackupPolicySpec spec = new BackupPolicySpec();
    spec.schedule = "0 2 * * *";
    spec.trigger = new Trigger();
    spec.trigger.manual = trigger;
    spec.source = new BackupSource();
    spec.source.claims = List.of("memory-data");
    spec.destination = new Destination();
    spec.destination.s3 = new S3Destination();
    spec.destination.s3.bucket = Sandbox.S3_BUCKET;
    spec.destination.s3.endpoint = sandbox.s3Endpoint();
    spec.destination.s3.forcePathStyle = true;
    spec.destination.s3.region = "us-east-1";
    spec.destination.s3.credentialsSecretRef = new SecretRef("s3-credentials");
    spec.retention = new Retention();
    spec.retention.keepDaily = 7;
    BackupPolicy policy = new BackupPolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace(NS);
    policy.setSpec(spec);
    return policy;
  }

  void createVolumeWithData() throws Exception {
    var client = sandbox.client();
    client.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("memory-data").withNamespace(NS).endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
    Path volume = sandbox.volume(NS, "memory-data");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(volume));
    byte[] db = new byte[200_000];
    new SecureRandom().nextBytes(db);
    Files.write(volume.resolve("memory.db"), db);
    Files.createDirectories(volume.resolve("sessions"));
    Files.writeString(volume.resolve("sessions/today.json"), "{\"mood\":\"calm\"}");
  }

  void createCredentials(String secretKey) {
    sandbox.client().secrets().inNamespace(NS).resource(new SecretBuilder()
        .withNewMetadata().withName("s3-credentials").withNamespace(NS).endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", Sandbox.S3_ACCESS_KEY)
        .addToStringData("AWS_SECRET_ACCESS_KEY", secretKey).build()).createOr(s -> s.update());
  }

  BackupPolicy read(String name) {
    return sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(name).get();
  }

  @Test
  void aManualBackupGoesThroughTheRealAgentIntoS3AndFillsTheStatus() throws Exception {
    createVolumeWithData();
    createCredentials(Sandbox.S3_SECRET_KEY);
    sandbox.client().resource(policy("rose-memory", "now")).create();

    await().atMost(Duration.ofSeconds(120)).until(() -> read("rose-memory").getStatus() != null
        && Conditions.isTrue(read("rose-memory").getStatus().conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED));
    var status = read("rose-memory").getStatus();
    assertThat(status.lastBackup.phase).isEqualTo("Succeeded");
    assertThat(status.lastBackup.files).isEqualTo(2);
    assertThat(status.lastBackup.bytes).isPositive();
    assertThat(status.backups).singleElement().satisfies(b -> assertThat(b.keptBy).contains("daily"));
    assertThat(status.lastSuccessfulBackup).isNotNull();
    Path manifest = state.resolve("s3").resolve(Sandbox.S3_BUCKET).resolve(NS).resolve("rose-memory")
        .resolve(status.lastBackup.id).resolve("manifest.json");
    assertThat(manifest).exists();
  }

  @Test
  void aFailingAgentSurfacesItsErrorInTheStatusAndAnEvent() throws Exception {
    createVolumeWithData();
    createCredentials("a-wrong-secret");
    BackupPolicy policy = policy("rose-memory", "now");
    policy.getSpec().jobTemplate = new dev.lifeboat.api.v1alpha1.JobTemplate();
    policy.getSpec().jobTemplate.backoffLimit = 0;
    sandbox.client().resource(policy).create();

    await().atMost(Duration.ofSeconds(120)).until(() -> read("rose-memory").getStatus() != null
        && read("rose-memory").getStatus().lastBackup != null
        && "Failed".equals(read("rose-memory").getStatus().lastBackup.phase));
    var condition = Conditions.find(read("rose-memory").getStatus().conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED)
        .orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getMessage()).contains("access denied").doesNotContain("a-wrong-secret");
    assertThat(sandbox.client().v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("BackupFailed"));
  }
}
