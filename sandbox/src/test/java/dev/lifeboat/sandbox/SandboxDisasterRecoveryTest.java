package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.DiscoveryPhase;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static dev.lifeboat.sandbox.SandboxFixture.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupEntry;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Times;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/disaster-recovery.md as a test: a first sandbox cluster backs up with a state directory; a
 * second one on the same state (its API server empty, the volumes gone, only the bucket left)
 * restores from examples/disaster-recovery and its re-applied policy knows the old backups.
 */
class SandboxDisasterRecoveryTest {
  static final Path EXAMPLE = Path.of(System.getProperty("lifeboat.projectRoot", "..")).toAbsolutePath().normalize()
      .resolve("examples/disaster-recovery");
  @TempDir
  Path state;
  @TempDir
  Path yaml;

  /** The example's files, pointed at this sandbox's S3 port instead of the documented 9000. */
  Path example(Sandbox sandbox, String... files) throws Exception {
    Path dir = Files.createDirectories(yaml.resolve("run-" + sandbox.s3Endpoint().replaceAll("\\D", "")));
    for (String file : files) {
      Files.writeString(dir.resolve(file), Files.readString(EXAMPLE.resolve(file))
          .replace("http://127.0.0.1:9000", sandbox.s3Endpoint()));
    }
    return dir;
  }

  static BackupPolicy policy(Sandbox sandbox) {
    return sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(POLICY).get();
  }

  static String backUpNow(Sandbox sandbox, String trigger) {
    String before = policy(sandbox).getStatus() == null || policy(sandbox).getStatus().lastBackup == null ? ""
        : policy(sandbox).getStatus().lastBackup.id;
    sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(POLICY).edit(p -> {
      p.getSpec().trigger = new Trigger();
      p.getSpec().trigger.manual = trigger;
      return p;
    });
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      var status = policy(sandbox).getStatus();
      return status != null && status.lastBackup != null && !before.equals(status.lastBackup.id)
          && BackupPhase.Succeeded == status.lastBackup.phase;
    });
    return policy(sandbox).getStatus().lastBackup.id;
  }

  @Test
  void aNewClusterOnTheSameBucketRestoresIntoANewClaimAndThePolicyKnowsItsOldBackups() throws Exception {
    Map<String, String> original;
    List<String> oldBackups = new ArrayList<>();
    String lastSuccess;
    try (Sandbox first = Sandbox.start(state, 0, 1)) {
      new SandboxFixture(first).volumeWithData();
      first.apply(example(first, "10-s3-credentials.yaml", "30-backuppolicy.yaml"));
      oldBackups.add(backUpNow(first, "one"));
      await().atMost(Duration.ofSeconds(5)).until(() -> !Times.backupId(first.clock().instant()).equals(oldBackups.get(0)));
      oldBackups.add(backUpNow(first, "two"));
      original = DemoCommand.checksums(first.volume(NS, DemoCommand.CLAIM));
      lastSuccess = policy(first).getStatus().lastSuccessfulBackup;
    }
    deleteTree(state.resolve("volumes")); // total loss: only the bucket (state/s3) survives

    try (Sandbox second = Sandbox.start(state, 0, 1)) {
      assertThat(second.client().resources(BackupPolicy.class).inAnyNamespace().list().getItems())
          .as("a new, empty API server").isEmpty();
      second.apply(example(second, "00-namespace.yaml", "10-s3-credentials.yaml", "20-restorerequest.yaml",
          "30-backuppolicy.yaml"));

      await().atMost(Duration.ofSeconds(180)).until(() -> {
        var status = second.client().resources(RestoreRequest.class).inNamespace(NS).withName("recover-memory").get()
            .getStatus();
        return status != null && (RestorePhase.Succeeded == status.phase || RestorePhase.Failed == status.phase);
      });
      var restore = second.client().resources(RestoreRequest.class).inNamespace(NS).withName("recover-memory").get();
      assertThat(restore.getStatus().phase).as(restore.getStatus().message).isEqualTo(RestorePhase.Succeeded);
      assertThat(restore.getStatus().backup.id).isEqualTo(oldBackups.get(1));
      assertThat(DemoCommand.checksums(second.volume(NS, DemoCommand.CLAIM))).isEqualTo(original);
      assertThat(second.client().persistentVolumeClaims().inNamespace(NS).withName(DemoCommand.CLAIM).get()
          .getMetadata().getOwnerReferences()).as("the new claim outlives the RestoreRequest").isEmpty();

      await().atMost(Duration.ofSeconds(60)).until(() -> policy(second).getStatus() != null
          && policy(second).getStatus().discovery != null && DiscoveryPhase.Succeeded == policy(second).getStatus().discovery.phase);
      var discovered = policy(second).getStatus();
      assertThat(discovered.backups).extracting(b -> b.id).containsExactlyInAnyOrderElementsOf(oldBackups);
      // The old cluster recorded the Job's completion time, the listing reads the agent's own from the
      // manifest: the same moment, seen from two clocks a tick apart.
      assertThat(Duration.between(Times.parse(lastSuccess), Times.parse(discovered.lastSuccessfulBackup)).abs())
          .isLessThanOrEqualTo(Duration.ofSeconds(2));
      assertThat(discovered.retention.kept).isEqualTo(2);

      String next = backUpNow(second, "after-recovery");
      var after = policy(second).getStatus();
      assertThat(after.backups).extracting(b -> b.id).containsExactlyInAnyOrder(oldBackups.get(0), oldBackups.get(1), next);
      assertThat(after.backups).allSatisfy((BackupEntry b) -> assertThat(b.keptBy).isNotEmpty());
      assertThat(new SandboxFixture(second).backupsInS3()).as("nothing pruned in the bucket").isEqualTo(3);
    }
  }

  static void deleteTree(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
