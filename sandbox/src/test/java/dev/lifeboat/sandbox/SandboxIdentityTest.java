package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.PrivilegedJobs;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs run as their pod's security context says (the sandbox runs as root and switches users with
 * setpriv): a Job as the image's uid 65532 misses the app's private files, a Job as the app's uid
 * reads them all and restores them owned by it. Only as root: anywhere else every Job runs as the
 * developer's own user and these tests would prove nothing.
 */
class SandboxIdentityTest {
  static final String CLAIM = DemoCommand.CLAIM;
  static final int APP_UID = 999;
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  @BeforeAll
  static void onlyAsRoot() {
    assumeTrue(HostSupport.currentUid() == 0, "the sandbox runs as uid " + HostSupport.currentUid()
        + ", not root: it cannot run Jobs as other users, so identity tests are skipped (CI runs them as root)");
    assumeTrue(HostSupport.host().switchesUsers(),
        "the sandbox runs as root but setpriv (util-linux) is missing or fails: identity tests are skipped");
  }

  @AfterEach
  void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  void start() throws Exception {
    start(PrivilegedJobs.NONE);
  }

  void start(PrivilegedJobs privileged) throws Exception {
    sandbox = Sandbox.start(state, 0, 1, settings -> settings.withPrivilegedJobs(privileged));
    fixture = new SandboxFixture(sandbox);
    fixture.volumeOwnedBy(APP_UID);
    fixture.credentials(Sandbox.S3_SECRET_KEY);
  }

  @Test
  void aJobAsTheDefaultUidMissesTheAppsPrivateFilesAndTheBackupIsPartial() throws Exception {
    start();
    sandbox.client().resource(triggered(fixture.policy(), "now")).create();

    await().atMost(Duration.ofSeconds(60)).until(() -> lastBackupPhase() != null && lastBackupPhase() != BackupPhase.Running);
    var status = fixture.read().getStatus();
    assertThat(status.lastBackup.phase).as(status.lastBackup.message).isEqualTo(BackupPhase.PartiallyFailed);
    var condition = Conditions.find(status.conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED).orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo("PartiallyFailed");
    assertThat(condition.getMessage()).contains("memory.db").contains("owner uid " + APP_UID);
    assertThat(status.lastBackup.leftOut).anySatisfy(line -> assertThat(line).contains("memory.db")
        .contains("owner uid 999, mode 0600")).anySatisfy(line -> assertThat(line).contains("sessions")
        .contains("owner uid 999, mode 0700"));
    assertThat(backupPod(status.lastBackup.id).getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(mode(volume().resolve("memory.db"))).as("a read-only mount is left as it is").isEqualTo(0600);
  }

  @Test
  void aJobAsTheAppReadsEverythingAndARestoreGivesTheFilesBackOwnedByTheApp() throws Exception {
    start();
    sandbox.client().apps().deployments().inNamespace(NS).resource(app()).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> appPods() == 1);
    Map<String, String> original = DemoCommand.checksums(volume());
    sandbox.client().resource(triggered(fixture.policy(), "now")).create();

    await().atMost(Duration.ofSeconds(60)).until(() -> lastBackupPhase() != null && lastBackupPhase() != BackupPhase.Running);
    var status = fixture.read().getStatus();
    PodSecurityContext jobIdentity = backupPod(status.lastBackup.id).getSecurityContext();
    assertThat(status.lastBackup.phase)
        .as("%s (the Job ran as uid %s, fsGroup %s)", status.lastBackup.message, jobIdentity.getRunAsUser(),
            jobIdentity.getFsGroup())
        .isEqualTo(BackupPhase.Succeeded);
    assertThat(status.lastBackup.files).isEqualTo(3);
    assertThat(jobIdentity.getRunAsUser()).isEqualTo((long) APP_UID);
    assertThat(mode(volume().resolve("memory.db"))).as("fsGroup never touches a read-only mount").isEqualTo(0600);

    Files.delete(volume().resolve("memory.db"));
    Files.writeString(volume().resolve("junk.txt"), "written by root after the backup");
    RestoreRequest request = DemoCommand.restoreRequest();
    ScaleTarget rose = new ScaleTarget();
    rose.kind = "Deployment";
    rose.name = "rose";
    request.getSpec().scaleDown = List.of(rose);
    sandbox.client().resource(request).create();
    await().atMost(Duration.ofSeconds(90)).until(() -> restore() != null && restore().phase != null
        && restore().phase.finished());

    RestoreRequestStatus restored = restore();
    assertThat(restored.phase).as(restored.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(DemoCommand.checksums(volume())).isEqualTo(original);
    for (String file : List.of("README", "memory.db", "sessions", "sessions/today.json")) {
      assertThat(Files.getAttribute(volume().resolve(file), "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(file)
          .isEqualTo(APP_UID);
    }
    assertThat(mode(volume().resolve("memory.db"))).isEqualTo(0600);
    assertThat(mode(volume().resolve("sessions"))).isEqualTo(0700);
  }

  @Test
  void aPrivilegedJobBacksUpAndRestoresEveryFileWithItsOwnerWhenNoPodSaysWhoTheAppIs() throws Exception {
    start(PrivilegedJobs.parse(NS)); // as --allow-privileged-jobs rose, or the Helm value privilegedJobNamespaces
    Map<String, String> original = DemoCommand.checksums(volume());
    sandbox.client().resource(triggered(fixture.policy(), "now")).create();

    await().atMost(Duration.ofSeconds(60)).until(() -> lastBackupPhase() != null && lastBackupPhase() != BackupPhase.Running);
    var status = fixture.read().getStatus();
    assertThat(status.lastBackup.phase).as(status.lastBackup.message).isEqualTo(BackupPhase.Succeeded);
    assertThat(status.lastBackup.files).isEqualTo(3);
    var pod = backupPod(status.lastBackup.id);
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(0L);

    Files.delete(volume().resolve("memory.db"));
    sandbox.client().resource(DemoCommand.restoreRequest()).create();
    await().atMost(Duration.ofSeconds(90)).until(() -> restore() != null && restore().phase != null
        && restore().phase.finished());

    assertThat(restore().phase).as(restore().message).isEqualTo(RestorePhase.Succeeded);
    assertThat(DemoCommand.checksums(volume())).isEqualTo(original);
    for (String file : List.of("README", "memory.db", "sessions", "sessions/today.json")) {
      assertThat(Files.getAttribute(volume().resolve(file), "unix:uid", LinkOption.NOFOLLOW_LINKS))
          .as("%s: owner restored as archived", file).isEqualTo(APP_UID);
    }
    assertThat(mode(volume().resolve("memory.db"))).isEqualTo(0600);
  }

  BackupPolicy triggered(BackupPolicy policy, String trigger) {
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = trigger;
    return policy;
  }

  BackupPhase lastBackupPhase() {
    var status = fixture.read().getStatus();
    return status == null || status.lastBackup == null ? null : status.lastBackup.phase;
  }

  /** The pod spec of a backup's Job, as the operator wrote it. */
  io.fabric8.kubernetes.api.model.PodSpec backupPod(String backupId) {
    Job job = sandbox.client().batch().v1().jobs().inNamespace(NS)
        .withName(JobNames.backupJob(SandboxFixture.POLICY, backupId)).get();
    return job.getSpec().getTemplate().getSpec();
  }

  RestoreRequestStatus restore() {
    RestoreRequest request = sandbox.client().resources(RestoreRequest.class).inNamespace(NS)
        .withName(DemoCommand.RESTORE).get();
    return request == null ? null : request.getStatus();
  }

  Path volume() {
    return sandbox.volume(NS, CLAIM);
  }

  static int mode(Path path) throws Exception {
    return ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
  }

  /** The app: runs as 999:999 with fsGroup 999, its container mounting the claim. */
  Deployment app() {
    return new DeploymentBuilder().withNewMetadata().withName("rose").withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "rose").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "rose").endMetadata()
        .withNewSpec()
        .withNewSecurityContext().withRunAsUser((long) APP_UID).withRunAsGroup((long) APP_UID)
        .withFsGroup((long) APP_UID).endSecurityContext()
        .addNewContainer().withName("rose").withImage("rose:1")
        .addNewVolumeMount().withName("data").withMountPath("/var/lib/rose").endVolumeMount().endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(CLAIM).endPersistentVolumeClaim()
        .endVolume().endSpec().endTemplate().endSpec().build();
  }

  long appPods() {
    return sandbox.client().pods().inNamespace(NS).withLabel("app", "rose").list().getItems().stream()
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count();
  }
}
