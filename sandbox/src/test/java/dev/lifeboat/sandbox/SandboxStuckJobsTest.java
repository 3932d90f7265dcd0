package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.DiscoveryPhase;
import dev.lifeboat.api.v1alpha1.Encryption;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.SecretKeyRef;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs whose pod can never start, end to end: the sandbox's kubelet reports a missing Secret or
 * key as a real one does (CreateContainerConfigError, the pod Pending), and the operator ends the
 * run with that message once it has lasted 2 minutes of cluster time, then deletes the Job.
 */
class SandboxStuckJobsTest {
  static final String NO_SECRET = "secret \"s3-credentials\" not found";
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  void start(double timeWarp) {
    sandbox = Sandbox.start(state, 0, timeWarp);
    fixture = new SandboxFixture(sandbox);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  boolean runFailed() {
    BackupPolicy policy = fixture.read();
    return policy.getStatus() != null && policy.getStatus().lastBackup != null
        && policy.getStatus().lastBackup.phase == BackupPhase.Failed;
  }

  List<Event> events(String reason) {
    return sandbox.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  @Test
  void aMissingCredentialsSecretFailsTheRunWithTheKubeletsMessage() throws Exception {
    start(60); // 2 minutes of cluster time pass in 2 seconds
    fixture.volumeWithData();
    sandbox.client().resource(fixture.triggeredPolicy()).create();

    await().atMost(Duration.ofSeconds(60)).until(this::runFailed);
    var status = fixture.read().getStatus();
    String job = JobNames.backupJob(SandboxFixture.POLICY, status.lastBackup.id);
    assertThat(status.lastBackup.message).startsWith("Job " + job + " cannot start: container agent (image lifeboat:sandbox): "
        + NO_SECRET
        + " (CreateContainerConfigError for ");
    Duration waited = Duration.between(Times.parse(status.lastBackup.startTime), Times.parse(status.lastBackup.completionTime));
    assertThat(waited).as("cluster time from the run's start to its end").isBetween(Duration.ofMinutes(2),
        Duration.ofMinutes(10));
    var condition = Conditions.find(status.conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED).orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getMessage()).contains(NO_SECRET).doesNotContain("SandboxError");
    assertThat(events("BackupFailed")).singleElement().satisfies(e -> assertThat(e.getMessage()).contains(NO_SECRET));
    // The listing before the first run needed the same Secret: it failed the same way, and did not block the run.
    assertThat(status.discovery.phase).isEqualTo(DiscoveryPhase.Failed);
    assertThat(status.discovery.message).contains(NO_SECRET);
    // What the kubelet said on the way: the pods' Warning Events.
    assertThat(events("Failed")).anySatisfy(e -> assertThat(e.getMessage()).isEqualTo("Error: " + NO_SECRET));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(sandbox.client().batch().v1().jobs().inNamespace(NS).list().getItems())
          .as("the stuck Jobs are deleted").isEmpty();
      assertThat(sandbox.client().pods().inNamespace(NS).withLabel("job-name", job).list().getItems())
          .as("and their pods").isEmpty();
    });
  }

  @Test
  void aMissingKeyFailsTheRunNamingKeyAndSecret() throws Exception {
    start(60);
    fixture.volumeWithData();
    sandbox.client().secrets().inNamespace(NS).resource(new SecretBuilder()
        .withNewMetadata().withName("s3-credentials").withNamespace(NS).endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", Sandbox.S3_ACCESS_KEY).build()).create();
    sandbox.client().resource(fixture.triggeredPolicy()).create();

    await().atMost(Duration.ofSeconds(60)).until(this::runFailed);
    assertThat(fixture.read().getStatus().lastBackup.message)
        .contains("couldn't find key AWS_SECRET_ACCESS_KEY in Secret " + NS + "/s3-credentials")
        .contains("CreateContainerConfigError");
  }

  @Test
  void aMissingEncryptionKeySecretFailsTheRunAtOnceNamingSecretAndKey() throws Exception {
    start(1); // no waiting: the key's volume is optional, so the agent starts and says what is missing
    fixture.volumeWithData();
    fixture.credentials(Sandbox.S3_SECRET_KEY);
    BackupPolicy policy = fixture.triggeredPolicy();
    policy.getSpec().encryption = new Encryption();
    policy.getSpec().encryption.keySecretRef = new SecretKeyRef();
    policy.getSpec().encryption.keySecretRef.name = "backup-key";
    sandbox.client().resource(policy).create();

    await().atMost(Duration.ofSeconds(60)).until(this::runFailed);
    var status = fixture.read().getStatus();
    assertThat(status.lastBackup.message).contains("encryption key missing: Secret \"backup-key\" does not exist or has no key \"key\"",
        "spec.encryption.keySecretRef");
    assertThat(Conditions.find(status.conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED).orElseThrow().getMessage())
        .contains("Secret \"backup-key\"");
    assertThat(events("FailedMount")).as("the pod was not held back mounting the key").isEmpty();
  }

  @Test
  void aPodWaitingForItsSecretStartsOnceTheSecretIsCreated() throws Exception {
    start(1);
    fixture.volumeWithData();
    sandbox.client().resource(fixture.triggeredPolicy()).create();
    String listing = JobNames.discoveryJob(SandboxFixture.POLICY);

    await().atMost(Duration.ofSeconds(30)).until(() -> waitingReason(listing).equals("CreateContainerConfigError"));
    Pod pending = sandbox.client().pods().inNamespace(NS).withLabel("job-name", listing).list().getItems().get(0);
    assertThat(pending.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(pending.getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage()).isEqualTo(NO_SECRET);
    assertThat(pending.getStatus().getStartTime()).isNotNull();

    fixture.credentials(Sandbox.S3_SECRET_KEY);
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      var status = fixture.read().getStatus();
      return status != null && status.lastBackup != null && status.lastBackup.phase == BackupPhase.Succeeded;
    });
    assertThat(fixture.read().getStatus().discovery.phase).isEqualTo(DiscoveryPhase.Succeeded);
    assertThat(sandbox.client().batch().v1().jobs().inNamespace(NS).list().getItems())
        .noneSatisfy(job -> assertThat(JobOutcomeReader.finished(job)
            && job.getStatus().getConditions().stream().anyMatch(c -> "SandboxError".equals(c.getReason()))).isTrue());
  }

  /** The waiting reason of the agent container of the Job's pod, "" when there is none. */
  String waitingReason(String job) {
    return sandbox.client().pods().inNamespace(NS).withLabel("job-name", job).list().getItems().stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null
            && !p.getStatus().getContainerStatuses().isEmpty())
        .map(p -> p.getStatus().getContainerStatuses().get(0).getState())
        .filter(s -> s != null && s.getWaiting() != null)
        .map(s -> s.getWaiting().getReason()).findFirst().orElse("");
  }
}
