package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static dev.lifeboat.sandbox.SandboxFixture.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a BackupPolicy in the sandbox, as in a cluster: the garbage collector deletes its Jobs,
 * then their pods, and the kubelet stand-in stops the containers of a pod deleted while they run.
 */
class SandboxGarbageCollectionTest {
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  @BeforeEach
  void start() {
    sandbox = Sandbox.start(state, 0, 1);
    fixture = new SandboxFixture(sandbox);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  List<Job> jobsOwnedBy(String uid) {
    return sandbox.client().batch().v1().jobs().inNamespace(NS).list().getItems().stream()
        .filter(job -> job.getMetadata().getOwnerReferences() != null && job.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> uid.equals(ref.getUid()))).toList();
  }

  List<Pod> podsOf(String job) {
    return sandbox.client().pods().inNamespace(NS).withLabel("job-name", job).list().getItems();
  }

  @Test
  void deletingAPolicyDeletesItsJobsAndTheirPodsAndStopsWhatStillRuns() throws Exception {
    fixture.volumeWithData();
    fixture.credentials(Sandbox.S3_SECRET_KEY);
    BackupPolicy policy = fixture.policy();
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "now";
    sandbox.client().resource(policy).create();
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      BackupPolicy now = fixture.read();
      return now.getStatus() != null && Conditions.isTrue(now.getStatus().conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED);
    });
    String uid = fixture.read().getMetadata().getUid();
    List<Job> backups = jobsOwnedBy(uid);
    assertThat(backups).isNotEmpty();
    backups.forEach(job -> assertThat(podsOf(job.getMetadata().getName())).isNotEmpty());
    // A Job of the policy still running (as a backup would be), its container's pid in its emptyDir ($$ is the
    // kubelet's escape of $).
    sandbox.client().batch().v1().jobs().inNamespace(NS).resource(new JobBuilder()
        .withNewMetadata().withName(POLICY + "-running").withNamespace(NS)
        .addToLabels(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE)
        .addNewOwnerReference().withApiVersion("lifeboat.dev/v1alpha1").withKind("BackupPolicy").withName(POLICY)
        .withUid(uid).withController(true).withBlockOwnerDeletion(true).endOwnerReference().endMetadata()
        .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewMetadata().addToLabels("app", "lifeboat").endMetadata()
            .withSpec(new PodSpecBuilder().withRestartPolicy("Never")
            .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewContainer().withName("agent").withImage("lifeboat:test")
            .withCommand("sh", "-c", "echo $$$$ > /scratch/pid.tmp && mv /scratch/pid.tmp /scratch/pid && exec sleep 600")
            .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount().endContainer().build())
        .endTemplate().endSpec().build()).create();
    String pod = fixture.onlyPod(POLICY + "-running").getMetadata().getName();
    Path pidFile = fixture.emptyDir(pod, "scratch").resolve("pid");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile));
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

    sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(POLICY).delete();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(fixture.read()).isNull();
      assertThat(jobsOwnedBy(uid)).isEmpty();
      for (Job job : backups) {
        assertThat(podsOf(job.getMetadata().getName())).isEmpty();
      }
      assertThat(podsOf(POLICY + "-running")).isEmpty();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the running container's process")
          .isNotEqualTo(java.util.Optional.of(true));
    });
  }
}
