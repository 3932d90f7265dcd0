package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.restore.RestoreJobBuilder;
import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.NewClaim;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RepositorySource;
import dev.lifeboat.api.v1alpha1.RestoreMode;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.Times;
import dev.lifeboat.common.CrossNamespaceRestore;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RestoreRequests through the sandbox: the real operator, the real agent in Jobs, S3Proxy. */
class SandboxRestoreTest {
  static final String CLAIM = DemoCommand.CLAIM;
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;
  int restores;

  void start(CrossNamespaceRestore crossNamespace) {
    sandbox = Sandbox.start(state, 0, 1, crossNamespace);
    fixture = new SandboxFixture(sandbox);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  /** The fixture's app volume and policy, backed up once; returns the backup id. */
  String backedUp() throws Exception {
    start(CrossNamespaceRestore.DENIED);
    fixture.volumeWithData();
    fixture.credentials(Sandbox.S3_SECRET_KEY);
    BackupPolicy policy = fixture.policy();
    policy.getSpec().retention.keepLast = 5; // several manual backups of one day all stay
    sandbox.client().resource(policy).create();
    return backUpNow("first");
  }

  String backUpNow(String trigger) {
    String before = fixture.read().getStatus() == null || fixture.read().getStatus().lastBackup == null ? ""
        : fixture.read().getStatus().lastBackup.id;
    sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(SandboxFixture.POLICY).edit(p -> {
      p.getSpec().trigger = new Trigger();
      p.getSpec().trigger.manual = trigger;
      return p;
    });
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      var status = fixture.read().getStatus();
      return status != null && status.lastBackup != null && !status.lastBackup.id.equals(before)
          && BackupPhase.Succeeded == status.lastBackup.phase;
    });
    return fixture.read().getStatus().lastBackup.id;
  }

  Path volume() {
    return sandbox.volume(NS, CLAIM);
  }

  /** Applies a RestoreRequest of the policy's latest backup into the claim, changed as given, and waits for its end. */
  RestoreRequestStatus restore(String namespace, Consumer<RestoreRequest> change) {
    RestoreRequest request = DemoCommand.restoreRequest();
    request.getMetadata().setName("restore-" + (++restores));
    request.getMetadata().setNamespace(namespace);
    change.accept(request);
    return fixture.restored(request);
  }

  RestoreRequestStatus read(String namespace, String name) {
    return fixture.restoreStatus(namespace, name);
  }

  @Test
  void latestRestoresByteIdenticalReplacingEverythingAndTheSafetyBackupUndoesIt() throws Exception {
    String backup = backedUp();
    Map<String, String> original = DemoCommand.checksums(volume());
    Files.delete(volume().resolve("memory.db"));
    Files.writeString(volume().resolve("junk.txt"), "written after the backup");
    AppFiles.ownedByTheApp(volume()); // written by the app, as on a cluster
    Map<String, String> damaged = DemoCommand.checksums(volume());

    RestoreRequestStatus status = restore(NS, r -> {});
    assertThat(status.phase).as(status.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(status.backup.id).isEqualTo(backup);
    assertThat(status.progress.percent).isEqualTo(100);
    assertThat(DemoCommand.checksums(volume())).as("byte-identical, and junk.txt removed by Replace").isEqualTo(original);
    assertThat(status.safetyBackup.id).isNotBlank();
    assertThat(fixture.read().getStatus().backups).extracting(b -> b.id).doesNotContain(status.safetyBackup.id);

    RestoreRequestStatus undo = restore(NS, r -> r.getSpec().source.backup = status.safetyBackup.id);
    assertThat(undo.phase).as(undo.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(DemoCommand.checksums(volume())).as("the pre-restore contents are back").isEqualTo(damaged);
  }

  @Test
  void beforePicksTheOlderBackupPathsRestoreOnlyThemAndMergeKeepsUnrelatedFiles() throws Exception {
    String first = backedUp();
    Map<String, String> v1 = DemoCommand.checksums(volume());
    Files.writeString(volume().resolve("sessions/today.json"), "{\"mood\":\"stormy\"}");
    await().atMost(Duration.ofSeconds(5)).until(() -> !Times.backupId(sandbox.clock().instant()).equals(first));
    String second = backUpNow("second");
    assertThat(second).isGreaterThan(first);

    RestoreRequestStatus older = restore(NS, r -> {
      r.getSpec().source.backup = null;
      r.getSpec().source.before = Times.rfc3339(Times.fromBackupId(second).minusSeconds(1));
      r.getSpec().target.claim = null;
      r.getSpec().target.newClaim = new NewClaim();
      r.getSpec().target.newClaim.name = "memory-before";
      r.getSpec().target.newClaim.size = new Quantity("1Gi");
    });
    assertThat(older.phase).as(older.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(older.backup.id).isEqualTo(first);
    assertThat(DemoCommand.checksums(sandbox.volume(NS, "memory-before"))).isEqualTo(v1);

    Files.writeString(volume().resolve("unrelated.txt"), "not in any backup");
    Files.writeString(volume().resolve("memory.db"), "changed since");
    RestoreRequestStatus merged = restore(NS, r -> {
      r.getSpec().source.backup = first;
      r.getSpec().source.paths = List.of("sessions");
      r.getSpec().mode = RestoreMode.Merge;
    });
    assertThat(merged.phase).as(merged.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(merged.safetyBackup).as("no safety backup by default for Merge").isNull();
    assertThat(Files.readString(volume().resolve("sessions/today.json"))).isEqualTo("{\"mood\":\"calm\"}");
    assertThat(Files.readString(volume().resolve("memory.db"))).as("outside paths: untouched").isEqualTo("changed since");
    assertThat(volume().resolve("unrelated.txt")).as("Merge keeps unrelated files").exists();
  }

  @Test
  void theAppIsScaledDownForTheRestoreAndBackUpAfterwardsAcrossAnOperatorRestart() throws Exception {
    backedUp();
    sandbox.client().apps().deployments().inNamespace(NS).resource(app(2)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> appPods() == 2);
    Files.writeString(volume().resolve("junk.txt"), "written after the backup");
    AppFiles.ownedByTheApp(volume()); // written by the app, as on a cluster

    RestoreRequest request = DemoCommand.restoreRequest();
    ScaleTarget target = new ScaleTarget();
    target.kind = "Deployment";
    target.name = "rose";
    request.getSpec().scaleDown = List.of(target);
    sandbox.client().resource(request).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      var status = read(NS, DemoCommand.RESTORE);
      return status != null && status.scaledDown != null;
    });
    sandbox.restartOperator();

    await().atMost(Duration.ofSeconds(180)).until(() -> read(NS, DemoCommand.RESTORE).phase != null
        && read(NS, DemoCommand.RESTORE).phase.finished());
    RestoreRequestStatus status = read(NS, DemoCommand.RESTORE);
    assertThat(status.phase).as(status.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(status.scaledDown).singleElement().satisfies(w -> assertThat(w.replicas).isEqualTo(2));
    assertThat(Conditions.find(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN).orElseThrow().getReason())
        .isEqualTo(Reasons.SCALED_BACK);
    assertThat(sandbox.client().apps().deployments().inNamespace(NS).withName("rose").get().getSpec().getReplicas())
        .isEqualTo(2);
    await().atMost(Duration.ofSeconds(20)).until(() -> appPods() == 2);
    assertThat(volume().resolve("junk.txt")).doesNotExist();
  }

  @Test
  void anotherNamespacesBackupsAreDeniedByDefaultAndRestoredWhenTheSettingAllowsIt() throws Exception {
    backedUp();
    Map<String, String> original = DemoCommand.checksums(volume());
    Consumer<RestoreRequest> fromRose = r -> {
      r.getSpec().source.policy = null;
      r.getSpec().source.repository = new RepositorySource();
      r.getSpec().source.repository.s3 = fixture.policy().getSpec().destination.s3;
      r.getSpec().source.repository.namespace = NS;
      r.getSpec().source.repository.policy = SandboxFixture.POLICY;
      r.getSpec().target.claim = "lily-data";
    };
    lilyNamespace();
    RestoreRequestStatus denied = restore("lily", fromRose);
    assertThat(denied.phase).isEqualTo(RestorePhase.Failed);
    assertThat(Conditions.find(denied.conditions, ConditionTypes.BACKUP_RESOLVED).orElseThrow().getReason())
        .isEqualTo(Reasons.CROSS_NAMESPACE_DENIED);

    sandbox.close();
    start(CrossNamespaceRestore.parse("rose"));
    lilyNamespace();
    RestoreRequestStatus allowed = restore("lily", fromRose);
    assertThat(allowed.phase).as(allowed.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(DemoCommand.checksums(sandbox.volume("lily", "lily-data"))).isEqualTo(original);
  }

  @Test
  void aCorruptedBackupFailsNamingTheFileAndLeavesTheVolumeAsItWas() throws Exception {
    String backup = backedUp();
    Files.writeString(sandbox.volume(NS, CLAIM).resolve("written-after-the-backup.txt"), "today's work");
    Map<String, String> before = DemoCommand.checksums(sandbox.volume(NS, CLAIM));
    Path archive = state.resolve("s3").resolve(Sandbox.S3_BUCKET).resolve(NS).resolve(SandboxFixture.POLICY)
        .resolve(backup).resolve(CLAIM + ".tar.zst");
    byte[] bytes = Files.readAllBytes(archive);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(archive, bytes);

    RestoreRequestStatus status = restore(NS, r -> {});
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertThat(Conditions.find(status.conditions, ConditionTypes.RESTORED).orElseThrow().getReason())
        .isEqualTo(Reasons.RESTORE_FAILED);
    assertThat(status.message).contains(CLAIM + ".tar.zst").contains("the target is unchanged")
        .contains("safety backup " + status.safetyBackup.id);
    assertThat(DemoCommand.checksums(sandbox.volume(NS, CLAIM))).as("the app starts again on its own data")
        .isEqualTo(before);
    Job job = sandbox.client().batch().v1().jobs().inNamespace(NS).withName(JobNames.restoreJob("restore-" + restores, RestoreJobBuilder.RESTORE_STEP)).get();
    assertThat(job.getStatus().getFailed()).as("a damaged backup is not downloaded again by a retry").isEqualTo(1);
  }

  Deployment app(int replicas) {
    return new DeploymentBuilder().withNewMetadata().withName("rose").withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "rose").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "rose").endMetadata()
        .withNewSpec().addNewContainer().withName("rose").withImage("rose:1").endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(CLAIM).endPersistentVolumeClaim()
        .endVolume().endSpec().endTemplate().endSpec().build();
  }

  long appPods() {
    return sandbox.client().pods().inNamespace(NS).withLabel("app", "rose").list().getItems().stream()
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count();
  }

  void lilyNamespace() {
    sandbox.client().persistentVolumeClaims().inNamespace("lily").resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("lily-data").withNamespace("lily").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).createOr(c -> c.update());
    sandbox.client().secrets().inNamespace("lily").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("s3-credentials").withNamespace("lily").endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", Sandbox.S3_ACCESS_KEY)
        .addToStringData("AWS_SECRET_ACCESS_KEY", Sandbox.S3_SECRET_KEY).build()).createOr(s -> s.update());
  }
}
