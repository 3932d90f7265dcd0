package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static dev.lifeboat.sandbox.SandboxFixture.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.CopyMethod;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * copyMethod: Snapshot end to end: the real operator takes a VolumeSnapshot through the sandbox's
 * snapshotter, the real agent backs up the temporary claim made from it into S3, and every temporary
 * object is gone afterwards. The sandbox's snapshot is a file copy that writers cooperate with
 * ({@link Sandbox#writing}); a CSI driver's is a storage-level clone no writer knows of, which is
 * crash consistent, no more (see docs/consistency.md).
 */
class SandboxSnapshotTest {
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  void start(boolean snapshotApi) throws Exception {
    sandbox = Sandbox.start(state, 0, 1, UnaryOperator.identity(), snapshotApi);
    fixture = new SandboxFixture(sandbox);
    fixture.volumeWithData();
    fixture.credentials(Sandbox.S3_SECRET_KEY);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  /** The fixture's policy with copyMethod: Snapshot and {@code snapshotClass}, a run asked for now. */
  BackupPolicy snapshotPolicy(String snapshotClass) {
    BackupPolicy policy = fixture.policy();
    policy.getSpec().copyMethod = CopyMethod.Snapshot;
    policy.getSpec().volumeSnapshotClassName = snapshotClass;
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "now";
    return policy;
  }

  BackupRun finishedRun(String policy) {
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      var current = sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(policy).get();
      return current.getStatus() != null && current.getStatus().lastBackup != null
          && current.getStatus().lastBackup.phase != BackupPhase.Running;
    });
    return sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(policy).get().getStatus().lastBackup;
  }

  /** No VolumeSnapshot, no temporary claim, no snapshot copy and no temporary volume is left. */
  void nothingTemporaryRemains() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(sandbox.client().resources(VolumeSnapshot.class).inNamespace(NS).list().getItems()).isEmpty();
      assertThat(sandbox.client().persistentVolumeClaims().inNamespace(NS).list().getItems())
          .extracting(c -> c.getMetadata().getName()).containsExactly(DemoCommand.CLAIM);
      assertThat(entries(sandbox.state().resolve("snapshots").resolve(NS))).isZero();
      assertThat(entries(sandbox.state().resolve("volumes").resolve(NS))).as("only the app's volume").isOne();
    });
  }

  static long entries(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.count();
    }
  }

  @Test
  void aBackupOfAVolumeBeingWrittenHoldsExactlyTheSnapshotAndLeavesNothingBehind() throws Exception {
    start(true);
    Path volume = sandbox.volume(NS, DemoCommand.CLAIM);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger written = new AtomicInteger();
    // The app: each write puts the same number in two files, with a megabyte between them.
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      byte[] filler = new byte[1 << 20];
      while (!stop.get()) {
        int n = written.get() + 1;
        try {
          sandbox.writing(NS, DemoCommand.CLAIM, () -> {
            Files.writeString(volume.resolve("counter-a"), Integer.toString(n));
            Files.write(volume.resolve("journal"), filler);
            Files.writeString(volume.resolve("counter-b"), Integer.toString(n));
            AppFiles.ownedByTheApp(volume);
            return null;
          });
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        written.set(n);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > 0);
    sandbox.client().resource(snapshotPolicy("csi-hostpath-snapclass")).create();

    // What the snapshot holds, read while it exists (it goes when the run ends).
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
        sandbox.client().resources(VolumeSnapshot.class).inNamespace(NS).list().getItems().stream()
            .anyMatch(SnapshotController::ready));
    VolumeSnapshot snapshot = sandbox.client().resources(VolumeSnapshot.class).inNamespace(NS).list().getItems().get(0);
    String snapshotted = Files.readString(sandbox.snapshotDir(NS, snapshot.getMetadata().getUid()).resolve("counter-a"));
    await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > Integer.parseInt(snapshotted) + 1);

    BackupRun run = finishedRun(POLICY);
    stop.set(true);
    writer.get();
    assertThat(run.phase).as(run.message).isEqualTo(BackupPhase.Succeeded);
    assertThat(run.snapshots).singleElement().satisfies(s -> assertThat(s.snapshot)
        .isEqualTo(snapshot.getMetadata().getName()));
    nothingTemporaryRemains();

    RestoreRequestStatus restored = fixture.restoredIntoNewClaim("memory-restored");
    assertThat(restored.phase).as(restored.message).isEqualTo(RestorePhase.Succeeded);
    Path copy = sandbox.volume(NS, "memory-restored");
    assertThat(copy.resolve(DemoCommand.CLAIM)).as("the archive holds the claim's own name, restored into place")
        .doesNotExist();
    assertThat(Files.readString(copy.resolve("counter-a"))).as("the snapshot's value, not the live one")
        .isEqualTo(snapshotted);
    assertThat(Files.readString(copy.resolve("counter-b"))).isEqualTo(snapshotted);
    assertThat(Integer.parseInt(Files.readString(volume.resolve("counter-a")))).isGreaterThan(Integer.parseInt(snapshotted));
  }

  @Test
  void anOperatorRestartedWhileASnapshotIsTakenCarriesOnAndLeavesNothingBehind() throws Exception {
    start(true);
    sandbox.client().resource(snapshotPolicy(SnapshotController.SLOW_CLASS)).create();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        !sandbox.client().resources(VolumeSnapshot.class).inNamespace(NS).list().getItems().isEmpty());
    assertThat(sandbox.client().resources(VolumeSnapshot.class).inNamespace(NS).list().getItems())
        .as("restarted before the slow snapshot is ready").noneMatch(SnapshotController::ready);

    sandbox.restartOperator();

    BackupRun run = finishedRun(POLICY);
    assertThat(run.phase).as(run.message).isEqualTo(BackupPhase.Succeeded);
    assertThat(fixture.backupsInS3()).isOne();
    nothingTemporaryRemains();
  }

  @Test
  void aSnapshotThatFailsFailsTheRunWithTheSnapshotsOwnMessage() throws Exception {
    start(true);
    sandbox.client().resource(snapshotPolicy(SnapshotController.BROKEN_CLASS)).create();

    BackupRun run = finishedRun(POLICY);

    assertThat(run.phase).isEqualTo(BackupPhase.Failed);
    assertThat(run.reason).isEqualTo(Reasons.SNAPSHOT_FAILED);
    assertThat(run.message).endsWith(" failed: " + SnapshotController.BROKEN_MESSAGE);
    assertThat(Conditions.find(fixture.read().getStatus().conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo(Reasons.SNAPSHOT_FAILED));
    assertThat(run.job).as("no Job ran").isNull();
    assertThat(fixture.backupsInS3()).isZero();
    nothingTemporaryRemains();
  }

  @Test
  void withoutTheSnapshotApiSnapshotPoliciesFailAsSnapshotsUnavailableAndDirectOnesBackUp() throws Exception {
    start(false);
    sandbox.client().resource(snapshotPolicy(null)).create();
    BackupPolicy direct = fixture.policy();
    direct.getMetadata().setName("rose-direct");
    direct.getSpec().trigger = new Trigger();
    direct.getSpec().trigger.manual = "now";
    sandbox.client().resource(direct).create();

    BackupRun snapshotRun = finishedRun(POLICY);
    BackupRun directRun = finishedRun("rose-direct");

    assertThat(snapshotRun.phase).isEqualTo(BackupPhase.Failed);
    assertThat(snapshotRun.reason).isEqualTo(Reasons.SNAPSHOTS_UNAVAILABLE);
    assertThat(snapshotRun.message).contains("does not serve");
    assertThat(directRun.phase).as(directRun.message).isEqualTo(BackupPhase.Succeeded);
    assertThat(sandbox.client().persistentVolumeClaims().inNamespace(NS).withLabel(Lifeboat.TEMPORARY_LABEL).list()
        .getItems()).isEmpty();
  }
}
