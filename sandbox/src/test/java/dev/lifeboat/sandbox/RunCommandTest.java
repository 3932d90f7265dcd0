package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifeboat-sandbox run} as typed: apply YAML, wait for a condition, report, exit code. */
class RunCommandTest {
  @TempDir
  Path dir;

  static SandboxCli.Result run(String... args) {
    return SandboxCli.run(args);
  }

  /** The quickstart's objects, pointed at a free port so the test never collides with a real :9000. */
  Path quickstart(int port, String trigger) throws Exception {
    Path yaml = dir.resolve("quickstart.yaml");
    Files.writeString(yaml, """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: memory-data, namespace: rose}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: s3-credentials, namespace: rose}
        stringData: {AWS_ACCESS_KEY_ID: lifeboat, AWS_SECRET_ACCESS_KEY: lifeboat-sandbox-secret}
        ---
        apiVersion: lifeboat.dev/v1alpha1
        kind: BackupPolicy
        metadata: {name: rose-memory, namespace: rose}
        spec:
          schedule: "0 2 * * *"
          trigger: {manual: "%s"}
          source: {claims: [memory-data]}
          destination:
            s3: {bucket: lifeboat, endpoint: "http://127.0.0.1:%d", forcePathStyle: true, region: us-east-1,
                 credentialsSecretRef: {name: s3-credentials}}
          retention: {keepDaily: 7}
          alerts: {minSize: 1Ki}
        """.formatted(trigger, port));
    // Jobs may run as another uid (as root, the sandbox honours their pods' identity): let them reach the state.
    Files.setAttribute(dir, "unix:mode", 0755);
    Path volume = Files.createDirectories(dir.resolve("state/volumes/rose/memory-data"));
    SampleDatabase.write(volume.resolve("memory.db"), 100, 7);
    AppFiles.ownedByTheApp(volume);
    return yaml;
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void runExitsZeroOnceTheBackupSucceededAndPrintsTheStatus() throws Exception {
    int port = freePort();
    // relative to the working directory, as the README's --state .lifeboat-state, while Jobs run elsewhere:
    // a link in target/ to this test's directory, which the Jobs' uid can reach (the checkout may not be)
    Path relative = Files.createSymbolicLink(Path.of("target", "run-state-" + port),
        Files.createDirectories(dir.resolve("state")));
    SandboxCli.Result result;
    try {
      result = run("run", "--state", relative.toString(), "--apply", quickstart(port, "go").toString(),
          "--until", "backuppolicy/rose/rose-memory=LastBackupSucceeded", "--timeout", "2m", "--s3-port",
          String.valueOf(port), "--operator-port", "0");
    } finally {
      Files.delete(relative);
    }
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("export KUBECONFIG=" + dir.resolve("state/kubeconfig").toRealPath())
        .contains("BackupPolicy").contains("lastSuccessfulBackup")
        .contains("all held").containsPattern("operator metrics at http://127\\.0\\.0\\.1:[0-9]+/metrics");
    assertThat(dir.resolve("state/s3/lifeboat/rose/rose-memory")).isDirectory();
  }

  @Test
  void runExitsOneOnTimeoutAndSaysWhatDidNotHold() throws Exception {
    int port = freePort();
    SandboxCli.Result result = run("run", "--state", dir.resolve("state").toString(), "--apply", quickstart(port, "").toString(),
        "--until", "bp/rose/rose-memory=LastBackupSucceeded", "--timeout", "3s", "--s3-port", String.valueOf(port), "--operator-port", "0");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output()).contains("did not hold within 3s").contains("backuppolicy/rose/rose-memory=LastBackupSucceeded");
  }

  /** {@code run} of the triggered quickstart with one text changed, waiting (up to 10 minutes) for its backup. */
  SandboxCli.Result runQuickstartChanged(String from, String to) throws Exception {
    int port = freePort();
    Path yaml = quickstart(port, "go");
    Files.writeString(yaml, Files.readString(yaml).replace(from, to));
    return run("run", "--state", dir.resolve("state").toString(), "--apply", yaml.toString(),
        "--until", "bp/rose/rose-memory=LastBackupSucceeded", "--timeout", "10m", "--s3-port", String.valueOf(port),
        "--operator-port", "0");
  }

  @Test
  void runRefusesAnInvalidObjectAsTheApiServerWouldAndExitsOne() throws Exception {
    Path yaml = dir.resolve("quickstart.yaml");
    SandboxCli.Result result = runQuickstartChanged("schedule: \"0 2 * * *\"", "schedule: \"every day at 2\"");
    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("persistentvolumeclaim/memory-data applied")
        .contains(yaml + ": The BackupPolicy \"rose-memory\" is invalid: spec.schedule: Invalid value: \"every day at 2\": "
            + "spec.schedule in body should match '^(@(hourly|daily|weekly|monthly|yearly|annually|midnight)|\\S+(\\s+\\S+){4})$'")
        .doesNotContain("backuppolicy/rose-memory applied");
  }

  @Test
  void runRefusesAMisspeltFieldAsKubectlsStrictValidationDoes() throws Exception {
    Path yaml = dir.resolve("quickstart.yaml");
    SandboxCli.Result result = runQuickstartChanged("retention:", "retension:");
    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains(yaml + ": BackupPolicy in version \"v1alpha1\" cannot be handled as a "
        + "BackupPolicy: strict decoding error: unknown field \"spec.retension\"")
        .doesNotContain("backuppolicy/rose-memory applied");
  }

  @Test
  void runExitsOneAtOnceWhenTheRestoreFailedInsteadOfWaitingOutItsTimeout() throws Exception {
    Path yaml = Files.writeString(dir.resolve("restore.yaml"), """
        apiVersion: lifeboat.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: rose-restore, namespace: rose}
        spec:
          source: {policy: no-such-policy}
          target: {claim: memory-data}
        """);
    SandboxCli.Result result = run("run", "--state", dir.resolve("state").toString(), "--apply", yaml.toString(),
        "--until", "rr/rose/rose-restore=Succeeded", "--timeout", "10m", "--s3-port", "0", "--operator-port", "0");
    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("can no longer hold:", "restorerequest/rose/rose-restore=Succeeded: phase Failed",
        "PolicyNotFound").doesNotContain("did not hold within");
  }

  @Test
  void runExitsOneAtOnceWhenTheAwaitedBackupFailed() throws Exception {
    SandboxCli.Result result = runQuickstartChanged("AWS_SECRET_ACCESS_KEY: lifeboat-sandbox-secret",
        "AWS_SECRET_ACCESS_KEY: not-the-secret");
    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("can no longer hold:",
        "backuppolicy/rose/rose-memory=LastBackupSucceeded: LastBackupSucceeded is False").doesNotContain("did not hold within");
  }

  @Test
  void aBusyS3PortNamesTheFlagThatPicksAFreeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sandbox.start(dir.resolve("state"), taken.getLocalPort(), 1))
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("--s3-port 0");
    }
  }

  @Test
  void whileItWaitsRunPrintsTheJobsConditionChangesAndEvents() throws Exception {
    int port = freePort();
    SandboxCli.Result result = run("run", "--state", dir.resolve("state").toString(), "--apply",
        quickstart(port, "").toString(), "--backup-now", "--until", "backuppolicy/rose/rose-memory=LastBackupSucceeded",
        "--timeout", "2m", "--s3-port", String.valueOf(port), "--operator-port", "0");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("backuppolicy/rose-memory: back up now (spec.trigger.manual: ")
        .containsPattern("\\] job/rose/rose-memory-[0-9tz]+: started")
        .containsPattern("\\] job/rose/rose-memory-[0-9tz]+: succeeded")
        .contains("] backuppolicy/rose/rose-memory: LastBackupSucceeded=True")
        .contains("] event backuppolicy/rose/rose-memory: Normal BackupSucceeded")
        .containsPattern("objects at http://[a-z0-9.]+:[0-9]+ ");
  }
}
