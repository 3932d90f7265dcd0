package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.CommandContainer;
import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.restore.RestoreJobBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dumps through the sandbox: the operator builds the Jobs, the setup container copies this
 * machine's busybox (standing in for the image's) into the pod, the wrapper runs the command (this
 * machine's tools standing in for the user's image) beside the real agent, S3Proxy stores it.
 */
class SandboxDumpTest {
  static final String DUMP = "notes-db";
  /** What {@code seq 1 1000000} writes: 6.6 MiB. */
  static final int LINES = 1_000_000;
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  /** A sandbox whose cluster clock runs {@code timeWarp} times as fast as real time. */
  void start(double timeWarp) {
    assumeTrue(ContainerLaunch.hostHelper() != null, "no busybox on this machine (Debian: busybox-static): skipped");
    sandbox = Sandbox.start(state, 0, timeWarp);
    fixture = new SandboxFixture(sandbox);
    fixture.credentials(Sandbox.S3_SECRET_KEY);
  }

  @AfterEach
  void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  /** A dump whose command is {@code command} in an image with no shell needed (here: this machine's tools). */
  static DumpSource dump(String... command) {
    DumpSource dump = new DumpSource();
    dump.name = DUMP;
    dump.image = "postgres:16";
    dump.command = List.of(command);
    return dump;
  }

  /** The fixture policy with {@code dump}, and claims only when {@code withClaims}, triggered now. */
  BackupPolicy policy(DumpSource dump, boolean withClaims) {
    BackupPolicy policy = fixture.triggeredPolicy();
    if (!withClaims) {
      policy.getSpec().source.claims = null;
    }
    policy.getSpec().source.dumps = List.of(dump);
    return policy;
  }

  /** The run's end, once the policy's last backup has finished. */
  BackupPhase finishedRun() {
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      var status = fixture.read().getStatus();
      return status != null && status.lastBackup != null && status.lastBackup.phase != null
          && status.lastBackup.phase != BackupPhase.Running;
    });
    return fixture.read().getStatus().lastBackup.phase;
  }

  @Test
  void aDumpOnlyPolicyBacksUpTheCommandsOutputAndACommandRestoreReceivesItByteForByte() throws Exception {
    start(1);
    DumpSource dump = dump("seq", "1", "$(LINES)");
    dump.env = List.of(new EnvVar("LINES", Integer.toString(LINES), null)); // expanded by the kubelet, not a shell
    sandbox.client().resource(policy(dump, false)).create();

    assertThat(finishedRun()).as(fixture.read().getStatus().lastBackup.message).isEqualTo(BackupPhase.Succeeded);
    var run = fixture.read().getStatus().lastBackup;
    byte[] expected = IntStream.rangeClosed(1, LINES).mapToObj(Integer::toString)
        .collect(Collectors.joining("\n", "", "\n")).getBytes(StandardCharsets.US_ASCII);
    assertThat(run.message).contains("1 dump");
    assertThat(run.dumps).singleElement().satisfies(d -> {
      assertThat(d.name).isEqualTo(DUMP);
      assertThat(d.bytes).isEqualTo(expected.length);
      assertThat(d.size).as("compressed").isPositive().isLessThan(expected.length);
    });
    JsonNode manifest = manifest(run.id);
    assertThat(manifest.get("formatVersion").asInt()).isEqualTo(2);
    assertThat(manifest.get("dumps")).singleElement().satisfies(d -> {
      assertThat(d.get("name").asText()).isEqualTo(DUMP);
      assertThat(d.get("bytes").asLong()).isEqualTo(expected.length);
    });

    RestoreRequest request = DemoCommand.restoreRequest();
    request.getSpec().target.claim = null;
    request.getSpec().source.dump = DUMP;
    request.getSpec().target.command = new CommandContainer();
    request.getSpec().target.command.image = "postgres:16";
    request.getSpec().target.command.command = List.of("sh", "-c", "sha256sum > \"$HOME/restored.sha256\""); // HOME: the pod's emptyDir
    sandbox.client().resource(request).create();
    RestoreRequestStatus restored = restoreEnded(request.getMetadata().getName());

    assertThat(restored.phase).as(restored.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(restored.backup.id).isEqualTo(run.id);
    assertThat(restored.safetyBackup.id).as("the dump as it is now, taken by the policy's command first").isNotBlank();
    assertThat(restored.message).startsWith("restored dump " + DUMP + " of backup " + run.id);
    String pod = fixture.onlyPod(RestoreJobBuilder.jobName(request, RestoreJobBuilder.RESTORE_STEP)).getMetadata().getName();
    assertThat(Files.readString(fixture.emptyDir(pod, "lifeboat-tmp").resolve("restored.sha256")))
        .as("what the target command read on its standard input").startsWith(sha256(expected) + "  -");
  }

  @Test
  void aDumpExitingNonZeroFailsTheRunWithItsStandardErrorAndStoresNothing() throws Exception {
    start(1);
    fixture.volumeWithData();
    sandbox.client().resource(policy(dump("sh", "-c",
        "echo 'notes so far'; echo 'pg_dump: error: connection to server at \"db\" failed' >&2; exit 2"), true)).create();

    assertThat(finishedRun()).isEqualTo(BackupPhase.Failed);
    var run = fixture.read().getStatus().lastBackup;
    assertThat(run.message).contains("dump " + DUMP + " exited 2: pg_dump: error: connection to server at \"db\" failed");
    assertThat(events("BackupFailed")).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("exited 2"));
    assertThat(fixture.backupsInS3()).as("no manifest: nothing half stored counts as a backup").isZero();
  }

  @Test
  void aDumpContainerWhoseSecretIsMissingFailsTheRunNamingTheContainerAndItsImage() throws Exception {
    start(60); // 2 minutes of cluster time pass in 2 seconds
    DumpSource dump = dump("seq", "1", "10");
    dump.envFrom = List.of(new EnvFromSourceBuilder().withNewSecretRef().withName("notes-db").endSecretRef().build());
    sandbox.client().resource(policy(dump, false)).create();

    assertThat(finishedRun()).isEqualTo(BackupPhase.Failed);
    var run = fixture.read().getStatus().lastBackup;
    assertThat(run.message).startsWith("Job " + run.job + " cannot start: container dump-" + DUMP
        + " (image postgres:16): secret \"notes-db\" not found (CreateContainerConfigError for ");
    assertThat(events("BackupFailed")).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("dump-" + DUMP));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sandbox.client().batch().v1().jobs()
        .inNamespace(NS).withName(run.job).get()).as("the stuck Job is deleted").isNull());
  }

  RestoreRequestStatus restoreEnded(String name) {
    await().atMost(Duration.ofSeconds(180)).until(() -> {
      var status = sandbox.client().resources(RestoreRequest.class).inNamespace(NS).withName(name).get().getStatus();
      return status != null && status.phase != null && status.phase.finished();
    });
    return sandbox.client().resources(RestoreRequest.class).inNamespace(NS).withName(name).get().getStatus();
  }

  JsonNode manifest(String backupId) throws Exception {
    Path file = sandbox.state().resolve("s3").resolve(Sandbox.S3_BUCKET).resolve(NS).resolve(SandboxFixture.POLICY)
        .resolve(backupId).resolve("manifest.json");
    return new ObjectMapper().readTree(Files.readAllBytes(file));
  }

  List<Event> events(String reason) {
    return sandbox.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
