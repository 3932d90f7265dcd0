package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import dev.lifeboat.snapshot.v1.VolumeSnapshotSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's CSI snapshotter and provisioning from snapshots. What a real one does differently:
 * the snapshot controller and the driver's sidecar share the work through VolumeSnapshotContent
 * objects; the driver cuts the snapshot from the storage (no writer cooperates, the copy is crash
 * consistent); a claim from a snapshot on WaitForFirstConsumer storage stays Pending until its first
 * pod is scheduled, where the sandbox binds it as soon as the snapshot is ready.
 */
class SnapshotControllerTest {
  static final String CLAIM = DemoCommand.CLAIM;
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(state, 0, 1);
    fixture = new SandboxFixture(sandbox);
    fixture.volumeWithData();
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  VolumeSnapshot snapshot(String name, String className) {
    VolumeSnapshot snapshot = new VolumeSnapshot();
    snapshot.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    snapshot.setSpec(new VolumeSnapshotSpec());
    snapshot.getSpec().source = new VolumeSnapshotSpec.Source();
    snapshot.getSpec().source.persistentVolumeClaimName = CLAIM;
    snapshot.getSpec().volumeSnapshotClassName = className;
    return sandbox.client().resource(snapshot).create();
  }

  VolumeSnapshot read(String name) {
    return sandbox.client().resources(VolumeSnapshot.class).inNamespace(NS).withName(name).get();
  }

  VolumeSnapshot readyOnceTaken(String name) {
    await().atMost(Duration.ofSeconds(30)).until(() -> SnapshotController.ready(read(name)));
    return read(name);
  }

  PersistentVolumeClaim claimFrom(String name, String snapshot) {
    return sandbox.client().persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi"))
        .endResources().withNewDataSource().withApiGroup("snapshot.storage.k8s.io").withKind("VolumeSnapshot")
        .withName(snapshot).endDataSource().endSpec().build()).create();
  }

  String phase(String claim) {
    PersistentVolumeClaim current = sandbox.client().persistentVolumeClaims().inNamespace(NS).withName(claim).get();
    return current.getStatus() == null ? null : current.getStatus().getPhase();
  }

  @Test
  void aSnapshotWaitsForAWriteInProgressAndHoldsAllOfIt() throws Exception {
    Path volume = sandbox.volume(NS, CLAIM);
    Files.writeString(volume.resolve("counter-a"), "1");
    Files.writeString(volume.resolve("counter-b"), "1");

    sandbox.writing(NS, CLAIM, () -> {
      Files.writeString(volume.resolve("counter-a"), "2");
      snapshot("mid-write", null);
      await("the snapshot is taken while the write goes on").atMost(Duration.ofSeconds(30))
          .until(() -> sandbox.snapshotWaiting(NS, CLAIM));
      Files.writeString(volume.resolve("counter-b"), "2");
      return null;
    });

    VolumeSnapshot taken = readyOnceTaken("mid-write");
    Path copy = sandbox.snapshotDir(NS, taken.getMetadata().getUid());
    assertThat(Files.readString(copy.resolve("counter-a"))).isEqualTo("2");
    assertThat(Files.readString(copy.resolve("counter-b"))).as("all of the write, not half").isEqualTo("2");
    assertThat(DemoCommand.checksums(copy)).isEqualTo(DemoCommand.checksums(volume));
    assertThat(taken.getStatus().boundVolumeSnapshotContentName).isNotBlank();
    assertThat(taken.getStatus().restoreSize).isEqualTo(new Quantity("1Gi"));
    assertThat(taken.getStatus().creationTime).isNotBlank();
  }

  @Test
  void aClaimFromASnapshotIsPendingUntilTheSnapshotIsReadyThenHoldsItsCopyAndBothGoWhenDeleted() throws Exception {
    Path volume = sandbox.volume(NS, CLAIM);
    VolumeSnapshot slow = snapshot("slow-one", SnapshotController.SLOW_CLASS);
    claimFrom("from-slow", "slow-one");

    await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.client().persistentVolumeClaims().inNamespace(NS)
        .withName("from-slow").get() != null);
    assertThat(SnapshotController.ready(read("slow-one"))).isFalse();
    assertThat(phase("from-slow")).as("waits for the snapshot").isNotEqualTo("Bound");
    assertThat(sandbox.volume(NS, "from-slow")).doesNotExist();

    readyOnceTaken("slow-one");
    Files.writeString(volume.resolve("after-the-snapshot"), "not in it");
    await().atMost(Duration.ofSeconds(30)).until(() -> "Bound".equals(phase("from-slow")));
    Path provisioned = sandbox.volume(NS, "from-slow");
    assertThat(DemoCommand.checksums(provisioned)).isEqualTo(
        DemoCommand.checksums(sandbox.snapshotDir(NS, slow.getMetadata().getUid())));
    assertThat(provisioned.resolve("after-the-snapshot")).doesNotExist();

    sandbox.client().persistentVolumeClaims().inNamespace(NS).withName("from-slow").delete();
    sandbox.client().resources(VolumeSnapshot.class).inNamespace(NS).withName("slow-one").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(provisioned)
        && !Files.exists(sandbox.snapshotDir(NS, slow.getMetadata().getUid())));
    assertThat(volume).as("the app's own volume stays").isDirectory();
  }

  @Test
  void theBrokenClassFailsEverySnapshotWithTheDriversKindOfMessage() {
    snapshot("doomed", SnapshotController.BROKEN_CLASS);

    await().atMost(Duration.ofSeconds(30)).until(() -> read("doomed").getStatus() != null
        && read("doomed").getStatus().error != null);
    assertThat(read("doomed").getStatus().error.message).isEqualTo(SnapshotController.BROKEN_MESSAGE);
    assertThat(read("doomed").getStatus().readyToUse).isFalse();
    assertThat(sandbox.snapshotDir(NS, read("doomed").getMetadata().getUid())).doesNotExist();
  }
}
