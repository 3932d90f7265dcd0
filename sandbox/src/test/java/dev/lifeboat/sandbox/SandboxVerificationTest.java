package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static dev.lifeboat.sandbox.SandboxFixture.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.VerifyCheck;
import dev.lifeboat.api.v1alpha1.VerifySpec;
import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore drills end to end: the operator starts them on verify.schedule, the real agent restores
 * the backup from S3 into the drill's scratch volume and checks it, and status, conditions,
 * Events and metrics say how it went.
 */
class SandboxVerificationTest {
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  @AfterEach
  void stop() {
    sandbox.close();
  }

  /** A volume with a real SQLite database, a manual backup now, and drills on {@code schedule}. */
  void start(double timeWarp, String schedule, String maxAge) throws Exception {
    start(timeWarp, schedule, maxAge, null);
  }

  void start(double timeWarp, String schedule, String maxAge, VerifyCheck check) throws Exception {
    sandbox = Sandbox.start(state, 0, timeWarp);
    fixture = new SandboxFixture(sandbox);
    fixture.volumeWithData();
    Path volume = sandbox.volume(NS, DemoCommand.CLAIM);
    SampleDatabase.write(volume.resolve("notes.db"), 200, 7);
    AppFiles.ownedByTheApp(volume);
    fixture.credentials(Sandbox.S3_SECRET_KEY);
    BackupPolicy policy = fixture.triggeredPolicy(); // the manual backup stays the newest, the one drills restore
    policy.getSpec().verify = new VerifySpec();
    policy.getSpec().verify.schedule = schedule;
    policy.getSpec().verify.maxAge = maxAge;
    policy.getSpec().verify.check = check;
    sandbox.client().resource(policy).create();
  }

  BackupPolicyStatus status() {
    BackupPolicy policy = fixture.read();
    return policy == null ? null : policy.getStatus();
  }

  String drillResult() {
    BackupPolicyStatus status = status();
    return status == null || status.lastVerification == null ? "" : status.lastVerification.result;
  }

  List<Event> events(String reason) {
    return sandbox.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  @Test
  void aScheduledDrillRestoresTheNewestBackupChecksItsDatabaseAndSaysSo() throws Exception {
    start(60, "*/10 * * * *", "45d"); // a drill slot every 10 s of real time
    await().atMost(Duration.ofSeconds(120)).until(() -> status() != null && status().lastSuccessfulBackup != null);

    await().atMost(Duration.ofSeconds(120)).until(() -> "Succeeded".equals(drillResult()) || "Failed".equals(drillResult()));
    BackupPolicyStatus status = status();
    assertThat(status.lastVerification.result).as(status.lastVerification.message).isEqualTo("Succeeded");
    assertThat(status.lastVerification.id).isEqualTo(status.lastBackup.id);
    assertThat(status.lastVerification.message).contains("all checksums match")
        .contains("1 SQLite database passes integrity_check");
    assertThat(Conditions.isTrue(status.conditions, ConditionTypes.LAST_VERIFICATION_SUCCEEDED)).isTrue();
    assertThat(Conditions.find(status.conditions, ConditionTypes.VERIFICATION_OVERDUE))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
    assertThat(events("VerificationSucceeded")).isNotEmpty();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(fixture.policyMetric("lifeboat_verification_last_success_timestamp_seconds")).isPositive();
      assertThat(fixture.policyMetric("lifeboat_verification_overdue")).isZero();
    });
    assertThat(pinsLeft()).as("the drill's pin is gone").isZero();
  }

  @Test
  void aCorruptedArchiveFailsTheDrillNamingWhatDidNotMatch() throws Exception {
    start(60, "*/10 * * * *", "45d");
    await().atMost(Duration.ofSeconds(120)).until(() -> status() != null && status().lastSuccessfulBackup != null);
    corrupt(archiveOf(status().lastBackup.id));

    await().atMost(Duration.ofSeconds(120)).until(() -> "Failed".equals(drillResult()) || "Succeeded".equals(drillResult()));
    BackupPolicyStatus status = status();
    assertThat(status.lastVerification.result).as(status.lastVerification.message).isEqualTo("Failed");
    var condition = Conditions.find(status.conditions, ConditionTypes.LAST_VERIFICATION_SUCCEEDED).orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo("VerificationFailed");
    assertThat(events("VerificationFailed")).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("restore drill of backup " + status.lastVerification.id + " failed");
    });
    assertThat(status.lastSuccessfulVerification).isNull();
  }

  @Test
  void withoutAGoodDrillVerificationOverdueTurnsTrueAtMaxAge() throws Exception {
    start(600, SandboxFixture.yearlyAwayFromNow(), "1h"); // no drill comes in time; an hour passes in 6 s
    await().atMost(Duration.ofSeconds(60)).until(() -> status() != null
        && Conditions.isTrue(status().conditions, ConditionTypes.VERIFICATION_OVERDUE));

    var overdue = Conditions.find(status().conditions, ConditionTypes.VERIFICATION_OVERDUE).orElseThrow();
    assertThat(overdue.getReason()).isEqualTo("NeverVerified");
    assertThat(overdue.getMessage()).contains("no successful restore drill since the policy was created");
    assertThat(events("NeverVerified")).singleElement().satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(fixture.policyMetric("lifeboat_verification_overdue")).isEqualTo(1.0));
  }

  /**
   * The app's own check: a shell command in the user's image (in the sandbox, the host's shell
   * stands in for the image) reading the restored files, with a variable from the check's env.
   */
  static VerifyCheck check(String script) {
    VerifyCheck check = new VerifyCheck();
    check.image = "busybox:1.36";
    check.command = List.of("sh", "-c", script);
    check.env = List.of(new EnvVarBuilder().withName("RESTORED").withValue("/restore/" + DemoCommand.CLAIM).build());
    return check;
  }

  @Test
  void theAppsOwnCheckRunsOnTheRestoredDataAndItsFailureIsNamedWithItsOutput() throws Exception {
    start(60, "*/10 * * * *", "45d", check("test -s $(RESTORED)/notes.db && grep -q calm $(RESTORED)/sessions/today.json"));
    await().atMost(Duration.ofSeconds(120)).until(() -> status() != null && status().lastSuccessfulBackup != null);
    await().atMost(Duration.ofSeconds(120)).until(() -> "Succeeded".equals(drillResult()) || "Failed".equals(drillResult()));
    assertThat(status().lastVerification.result).as(status().lastVerification.message).isEqualTo("Succeeded");

    // The same drill with a check that finds what it looks for missing.
    BackupPolicy policy = fixture.read();
    policy.getSpec().verify.check = check("echo \"no notes for $(RESTORED)\" >&2; exit 4");
    sandbox.client().resource(policy).update();
    await().atMost(Duration.ofSeconds(120)).until(() -> "Failed".equals(drillResult()));
    BackupPolicyStatus status = status();
    // In the sandbox the restored data's path is a host directory standing in for /restore.
    assertThat(status.lastVerification.message).startsWith("verify.check failed (exit 4): no notes for ")
        .endsWith("/" + DemoCommand.CLAIM);
    assertThat(events("VerificationFailed")).anySatisfy(e -> assertThat(e.getMessage()).contains("exit 4"));
  }

  Path archiveOf(String backupId) throws Exception {
    Path folder = sandbox.state().resolve("s3").resolve(Sandbox.S3_BUCKET).resolve(NS).resolve(POLICY).resolve(backupId);
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tar.zst")).findFirst().orElseThrow();
    }
  }

  /** One byte flipped in the middle of the stored object, as a disk or a careless hand would. */
  static void corrupt(Path file) throws Exception {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = channel.size() / 2;
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
      channel.write(one, at);
    }
  }

  long pinsLeft() throws Exception {
    Path pins = sandbox.state().resolve("s3").resolve(Sandbox.S3_BUCKET).resolve(NS).resolve(POLICY).resolve("pins");
    if (!Files.isDirectory(pins)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(pins)) {
      return files.count();
    }
  }
}
