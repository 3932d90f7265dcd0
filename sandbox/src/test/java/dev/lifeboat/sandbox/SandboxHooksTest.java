package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.CopyMethod;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import dev.lifeboat.api.v1alpha1.Hook;
import dev.lifeboat.api.v1alpha1.HookErrorPolicy;
import dev.lifeboat.api.v1alpha1.HookOutcome;
import dev.lifeboat.api.v1alpha1.Hooks;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.JobOutcomeReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy's hooks run by the operator in the app's pod through the sandbox's exec (the command
 * runs with the app container's environment and volume, not in the app's process): their order,
 * output in status, onError, and after hooks that run whatever happened to the copy.
 */
class SandboxHooksTest {
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(state, 0, 1, settings -> settings.withHooksEnabled(true));
    fixture = new SandboxFixture(sandbox);
    fixture.volumeWithData();
    fixture.runningApp();
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  /** {@code sh -c script} in the app's container (its first, the default). */
  static Hook sh(HookErrorPolicy onError, String script) {
    Hook hook = new Hook();
    hook.command = List.of("sh", "-c", script);
    hook.onError = onError;
    return hook;
  }

  /** A hook that appends {@code line} to hooks.log in the app's volume and says so on stdout. */
  static Hook writes(String line) {
    return sh(HookErrorPolicy.Fail, "echo " + line + " >> /data/hooks.log && echo wrote " + line);
  }

  BackupRun run(List<Hook> before, List<Hook> after) {
    return run(before, after, policy -> { });
  }

  BackupRun run(List<Hook> before, List<Hook> after, Consumer<BackupPolicy> change) {
    BackupPolicy policy = fixture.policy();
    change.accept(policy);
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "now";
    policy.getSpec().hooks = new Hooks();
    policy.getSpec().hooks.before = before;
    policy.getSpec().hooks.after = after;
    sandbox.client().resource(policy).create();
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      BackupRun run = fixture.read().getStatus() == null ? null : fixture.read().getStatus().lastBackup;
      return run != null && run.phase != BackupPhase.Running;
    });
    return fixture.read().getStatus().lastBackup;
  }

  String hooksLog() throws Exception {
    return Files.readString(sandbox.volume(NS, DemoCommand.CLAIM).resolve("hooks.log"));
  }

  long backupJobs() {
    return sandbox.client().batch().v1().jobs().inNamespace(NS).list().getItems().stream()
        .filter(job -> JobOutcomeReader.backupId(job) != null).count();
  }

  @Test
  void beforeHooksRunInOrderBeforeTheCopyAndTheAfterHookAfterItWithTheirOutputInStatus() throws Exception {
    fixture.credentials(Sandbox.S3_SECRET_KEY);

    BackupRun done = run(List.of(writes("a"), writes("b")), List.of(writes("c")));

    assertThat(done.phase).isEqualTo(BackupPhase.Succeeded);
    assertThat(hooksLog()).isEqualTo("a\nb\nc\n");
    assertThat(done.hooks).extracting(h -> h.phase + " " + h.index + " " + h.outcome + " " + h.output)
        .containsExactly("before 0 Succeeded wrote a\n", "before 1 Succeeded wrote b\n", "after 0 Succeeded wrote c\n");
    assertThat(done.hooks).allSatisfy(h -> assertThat(h.pod).startsWith(SandboxFixture.APP));
    assertThat(fixture.backupsInS3()).isEqualTo(1);
  }

  @Test
  void aFailingContinueHookIsAWarningAndAFailingFailHookStopsTheRunBeforeItsJobButNotTheAfterHook() throws Exception {
    fixture.credentials(Sandbox.S3_SECRET_KEY);

    BackupRun done = run(List.of(
            sh(HookErrorPolicy.Continue, "echo not flushed >&2; exit 2"),
            sh(HookErrorPolicy.Fail, "echo cannot pause the worker >&2; exit 3"),
            writes("never")),
        List.of(writes("c")));

    assertThat(done.phase).isEqualTo(BackupPhase.Failed);
    assertThat(done.message).contains("before hook 1 failed", "(exit code 3)", "cannot pause the worker");
    assertThat(done.hooks).extracting(h -> h.phase + " " + h.index + " " + h.outcome + " " + h.exitCode)
        .containsExactly("before 0 Failed 2", "before 1 Failed 3", "after 0 Succeeded 0");
    assertThat(done.warnings).singleElement().asString().contains("before hook 0 failed", "(exit code 2)", "not flushed");
    assertThat(hooksLog()).as("the third before hook never ran; the after hook did").isEqualTo("c\n");
    assertThat(backupJobs()).as("no copy after a failed before hook").isZero();
    assertThat(fixture.backupsInS3()).isZero();
  }

  @Test
  void theAfterHookRunsWhenTheJobFails() throws Exception {
    fixture.credentials("a-wrong-secret");

    BackupRun done = run(List.of(writes("a")), List.of(writes("c")));

    assertThat(done.phase).isEqualTo(BackupPhase.Failed);
    assertThat(backupJobs()).isEqualTo(1);
    assertThat(hooksLog()).isEqualTo("a\nc\n");
    assertThat(done.hooks).extracting(h -> h.outcome).containsExactly(HookOutcome.Succeeded, HookOutcome.Succeeded);
  }

  @Test
  void withSnapshotsTheBeforeHookRunsBeforeTheSnapshotAndTheAfterHookRightAfterIt() throws Exception {
    fixture.credentials(Sandbox.S3_SECRET_KEY);

    BackupRun done = run(List.of(writes("frozen")),
        List.of(writes("thawed"), sh(HookErrorPolicy.Fail, "echo worker did not resume >&2; exit 5")), policy -> {
          policy.getSpec().copyMethod = CopyMethod.Snapshot;
          policy.getSpec().volumeSnapshotClassName = "csi-hostpath-snapclass";
        });

    assertThat(done.phase).as(done.message).isEqualTo(BackupPhase.Succeeded);
    assertThat(hooksLog()).isEqualTo("frozen\nthawed\n");
    assertThat(done.hooks).as("the results stay with the run after its copy")
        .extracting(h -> h.phase + " " + h.index + " " + h.outcome)
        .containsExactly("before 0 Succeeded", "after 0 Succeeded", "after 1 Failed");
    assertThat(done.warnings).as("a failing after hook is a warning of a stored backup, never silent")
        .anySatisfy(w -> assertThat(w).contains("after hook 1 failed", "(exit code 5)", "worker did not resume"));
    assertThat(done.snapshots).singleElement().satisfies(s -> assertThat(s.claim).isEqualTo(DemoCommand.CLAIM));
    await().atMost(Duration.ofSeconds(30)).until(() ->
        sandbox.client().resources(VolumeSnapshot.class).inNamespace(NS).list().getItems().isEmpty());

    RestoreRequestStatus restored = fixture.restoredIntoNewClaim("memory-restored");
    assertThat(restored.phase).as(restored.message).isEqualTo(RestorePhase.Succeeded);
    assertThat(Files.readString(sandbox.volume(NS, "memory-restored").resolve("hooks.log")))
        .as("the snapshot was taken after the before hook and before the after hook").isEqualTo("frozen\n");
  }
}
