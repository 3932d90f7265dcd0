package dev.lifeboat.backuppolicy;

import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.Hook;
import dev.lifeboat.api.v1alpha1.HookErrorPolicy;
import dev.lifeboat.api.v1alpha1.HookOutcome;
import dev.lifeboat.api.v1alpha1.HookPhase;
import dev.lifeboat.api.v1alpha1.HookResult;
import dev.lifeboat.api.v1alpha1.Hooks;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RunStage;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.KubeletExec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.server.mock.ErrorStreamMessage;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run with hooks, as a user sees it in status, Events and Jobs: before hooks, then the Job, then
 * after hooks, which run whatever went wrong once the before hooks started. The commands run in
 * the app's pod through the exec API, answered by the mock server as the kubelet would.
 */
class RunHooksTest extends ControllerTest {
  static final String FREEZE = "freeze";
  static final String THAW = "thaw";

  @BeforeEach
  void appRunsWithHooksEnabled() {
    harness.enableHooks();
    client.resource(KubeletExec.runningPod(NAMESPACE, "app-0", "app", CLAIM)).create();
  }

  static Hook hook(HookErrorPolicy onError, String... command) {
    Hook hook = new Hook();
    hook.command = List.of(command);
    hook.onError = onError;
    return hook;
  }

  /** A policy whose manual trigger starts a run at once, with these hooks. */
  void apply(List<Hook> before, List<Hook> after) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getSpec().schedule = Fixtures.dailyAwayFromNow();
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "now";
    policy.getSpec().hooks = new Hooks();
    policy.getSpec().hooks.before = before;
    policy.getSpec().hooks.after = after;
    harness.create(policy);
  }

  void commandAnswers(String command, int exitCode, String output) {
    KubeletExec.answers(server, KubeletExec.path(NAMESPACE, "app-0", "app", command), new OutputStreamMessage(output),
        new StatusStreamMessage(exitCode));
  }

  BackupRun run() {
    return harness.get(NAMESPACE, POLICY).getStatus().lastBackup;
  }

  /** Reconciles, as the operator's 2-second wake-ups would, until the run is in this state. */
  BackupRun reconcileUntil(Predicate<BackupRun> state) {
    await().atMost(Duration.ofMinutes(1)).until(() -> {
      harness.reconcile(NAMESPACE, POLICY);
      return state.test(run());
    });
    return run();
  }

  List<Job> jobs() {
    return harness.jobs(NAMESPACE).stream().filter(job -> JobOutcomeReader.backupId(job) != null).toList();
  }

  List<Event> events(String reason) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  static Predicate<BackupRun> ended() {
    return run -> run != null && run.phase != BackupPhase.Running;
  }

  static HookResult result(BackupRun run, HookPhase phase, int index) {
    return run.hooks.stream().filter(h -> h.phase == phase && h.index == index).reduce((a, b) -> b).orElseThrow();
  }

  /** The commands the API server was asked to exec, in order. */
  List<String> execs() throws InterruptedException {
    List<String> commands = new java.util.ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      String path = server.takeRequest().getPath();
      if (path.contains("/exec?command=")) {
        commands.add(path.substring(path.indexOf("command=") + 8, path.indexOf('&')));
      }
    }
    return commands;
  }

  boolean held() {
    return harness.get(NAMESPACE, POLICY).hasFinalizer(RunStages.FINALIZER);
  }

  void finishTheJob(boolean succeeded) {
    Job job = jobs().get(0);
    String id = JobOutcomeReader.backupId(job);
    harness.finishJob(job, succeeded, succeeded ? BackupPolicyReconcilerTest.success(id, 2048)
        : new dev.lifeboat.common.AgentResult(1, "backup", id, BackupPhase.Failed, null, null, null, null, null, 1.0, null,
            "s3://backups/prod: access denied (HTTP 403)", null), null);
  }

  /** A run whose freeze hook succeeded and whose Job copies now; the thaw hook will answer "thawed". */
  void copyingBetweenFreezeAndThaw() {
    commandAnswers(FREEZE, 0, "");
    commandAnswers(THAW, 0, "thawed\n");
    apply(List.of(hook(HookErrorPolicy.Fail, FREEZE)), List.of(hook(HookErrorPolicy.Fail, THAW)));
    reconcileUntil(run -> run.stage == RunStage.Copying);
  }

  @Test
  void theJobStartsAfterTheBeforeHooksAndTheAfterHooksRunWhenItEnds() {
    commandAnswers(FREEZE, 0, "frozen\n");
    commandAnswers(THAW, 0, "thawed\n");
    apply(List.of(hook(HookErrorPolicy.Fail, FREEZE)), List.of(hook(HookErrorPolicy.Fail, THAW)));

    harness.reconcile(NAMESPACE, POLICY);
    assertThat(run().stage).isEqualTo(RunStage.BeforeHooks);
    assertThat(run().hooksStarted).isTrue();
    assertThat(jobs()).as("no copy while the before hooks run").isEmpty();
    assertThat(held()).as("deleting the policy now would still run the after hooks").isTrue();

    BackupRun copying = reconcileUntil(run -> run.stage == RunStage.Copying);
    assertThat(jobs()).hasSize(1);
    HookResult freeze = result(copying, HookPhase.before, 0);
    assertThat(freeze.outcome).isEqualTo(HookOutcome.Succeeded);
    assertThat(freeze.pod).isEqualTo("app-0");
    assertThat(freeze.container).isEqualTo("app");
    assertThat(freeze.exitCode).isZero();
    assertThat(freeze.output).isEqualTo("frozen\n");
    assertThat(copying.hooks).as("the after hook waits for the copy").hasSize(1);

    finishTheJob(true);
    BackupRun done = reconcileUntil(ended());

    assertThat(done.phase).isEqualTo(BackupPhase.Succeeded);
    assertThat(result(done, HookPhase.after, 0).output).isEqualTo("thawed\n");
    assertThat(done.warnings).isNull();
    assertThat(held()).isFalse();
    assertThat(events(Reasons.BACKUP_SUCCEEDED)).hasSize(1);
  }

  @Test
  void aFailingBeforeHookFailsTheRunWithoutAJobAndTheAfterHooksStillRun() {
    KubeletExec.answers(server, KubeletExec.path(NAMESPACE, "app-0", "app", FREEZE), new OutputStreamMessage("freezing\n"),
        new ErrorStreamMessage("fsfreeze: /data: Operation not permitted\n"), new StatusStreamMessage(1));
    commandAnswers("never-run", 0, "");
    commandAnswers(THAW, 0, "thawed\n");
    apply(List.of(hook(HookErrorPolicy.Fail, FREEZE), hook(HookErrorPolicy.Fail, "never-run")),
        List.of(hook(HookErrorPolicy.Fail, THAW)));

    BackupRun done = reconcileUntil(ended());

    assertThat(done.phase).isEqualTo(BackupPhase.Failed);
    assertThat(done.message).isEqualTo("before hook 0 failed in pod app-0 container app: Failed (exit code 1): "
        + "fsfreeze: /data: Operation not permitted");
    assertThat(jobs()).isEmpty();
    assertThat(done.hooks).extracting(h -> h.phase + " " + h.index + " " + h.outcome)
        .containsExactly("before 0 Failed", "after 0 Succeeded");
    assertThat(events(Reasons.HOOK_FAILED)).singleElement().extracting(Event::getMessage).asString()
        .contains("before hook 0 in pod app-0 container app Failed (exit code 1)", "Operation not permitted");
    assertThat(events(Reasons.BACKUP_FAILED)).hasSize(1);
    assertThat(held()).isFalse();
  }

  @Test
  void afterHooksRunWhenTheJobFails() {
    copyingBetweenFreezeAndThaw();

    finishTheJob(false);
    BackupRun done = reconcileUntil(ended());

    assertThat(done.phase).isEqualTo(BackupPhase.Failed);
    assertThat(done.message).contains("access denied");
    assertThat(result(done, HookPhase.after, 0).outcome).isEqualTo(HookOutcome.Succeeded);
  }

  @Test
  void afterHooksRunWhenTheJobsPodCannotStart() {
    copyingBetweenFreezeAndThaw();

    harness.podWaiting(jobs().get(0), "CreateContainerConfigError", StuckRunsTest.NO_SECRET, clock.instant());
    clock.set(clock.instant().plus(Duration.ofMinutes(5)));
    BackupRun done = reconcileUntil(ended());

    assertThat(done.phase).isEqualTo(BackupPhase.Failed);
    assertThat(done.message).contains(StuckRunsTest.NO_SECRET);
    assertThat(result(done, HookPhase.after, 0).outcome).isEqualTo(HookOutcome.Succeeded);
    harness.reconcile(NAMESPACE, POLICY);
    assertThat(jobs()).as("the stuck Job is deleted once the run is recorded").isEmpty();
  }

  @Test
  void aFailureOfAContinueHookIsAWarningOfTheRunWhichGoesOn() {
    commandAnswers("redis-cli", 1, "ERR busy\n");
    apply(List.of(hook(HookErrorPolicy.Continue, "redis-cli")), null);
    reconcileUntil(run -> run.stage == RunStage.Copying);

    finishTheJob(true);
    BackupRun done = reconcileUntil(ended());

    assertThat(done.phase).isEqualTo(BackupPhase.Succeeded);
    assertThat(done.warnings).containsExactly("before hook 0 failed in pod app-0 container app: Failed (exit code 1): ERR busy");
    assertThat(events(Reasons.SUCCEEDED_WITH_WARNINGS)).hasSize(1);
  }

  @Test
  void aHookWhosePodSelectorMatchesNoPodIsRecordedAndTheRunGoesOn() {
    Hook elsewhere = hook(HookErrorPolicy.Fail, FREEZE);
    elsewhere.podSelector = new LabelSelectorBuilder().addToMatchLabels("app", "other").build();
    apply(List.of(elsewhere), null);

    BackupRun copying = reconcileUntil(run -> run.stage == RunStage.Copying);

    assertThat(result(copying, HookPhase.before, 0).outcome).isEqualTo(HookOutcome.NoPods);
    assertThat(result(copying, HookPhase.before, 0).pod).isNull();
    assertThat(jobs()).hasSize(1);
  }

  @Test
  void aBeforeHookCutOffByAnOperatorRestartFailsTheRunAndTheAfterHooksRun() {
    // The command never ends while this operator process lives.
    KubeletExec.answers(server, KubeletExec.path(NAMESPACE, "app-0", "app", FREEZE), new OutputStreamMessage("frozen\n"));
    commandAnswers(THAW, 0, "thawed\n");
    apply(List.of(hook(HookErrorPolicy.Fail, FREEZE)), List.of(hook(HookErrorPolicy.Fail, THAW)));
    harness.reconcile(NAMESPACE, POLICY);

    harness.newOperatorInstance();
    BackupRun done = reconcileUntil(ended());

    assertThat(done.phase).isEqualTo(BackupPhase.Failed);
    assertThat(result(done, HookPhase.before, 0).outcome).isEqualTo(HookOutcome.Interrupted);
    assertThat(done.message).startsWith("before hook 0 failed in pod app-0 container app: Interrupted");
    assertThat(result(done, HookPhase.after, 0).outcome).isEqualTo(HookOutcome.Succeeded);
    assertThat(jobs()).isEmpty();
  }

  @Test
  void anAfterHookCutOffByAnOperatorRestartRunsOnceMore() {
    commandAnswers(FREEZE, 0, "");
    KubeletExec.answers(server, KubeletExec.path(NAMESPACE, "app-0", "app", THAW), new OutputStreamMessage("thawing\n"));
    commandAnswers(THAW, 0, "thawed\n");
    apply(List.of(hook(HookErrorPolicy.Fail, FREEZE)), List.of(hook(HookErrorPolicy.Fail, THAW)));
    reconcileUntil(run -> run.stage == RunStage.Copying);
    finishTheJob(true);
    reconcileUntil(run -> run.stage == RunStage.AfterHooks);

    harness.newOperatorInstance();
    BackupRun done = reconcileUntil(ended());

    assertThat(done.hooks).filteredOn(h -> h.phase == HookPhase.after).extracting(h -> h.outcome)
        .containsExactly(HookOutcome.Interrupted, HookOutcome.Succeeded);
    assertThat(done.phase).as("the copy itself succeeded").isEqualTo(BackupPhase.Succeeded);
    assertThat(done.warnings).containsExactly("after hook 0 failed in pod app-0 container app: Interrupted: "
        + "the operator restarted while the command ran; how it ended is unknown");
  }

  @Test
  void deletingThePolicyBetweenBeforeAndAfterHooksStillRunsTheAfterHooks() throws InterruptedException {
    copyingBetweenFreezeAndThaw();

    client.resources(BackupPolicy.class).inNamespace(NAMESPACE).withName(POLICY).delete();
    assertThat(harness.get(NAMESPACE, POLICY)).as("held by the finalizer").isNotNull();
    await().atMost(Duration.ofMinutes(1)).until(() -> {
      BackupPolicy policy = harness.get(NAMESPACE, POLICY);
      if (policy != null) {
        harness.reconcile(policy);
      }
      return harness.get(NAMESPACE, POLICY) == null;
    });

    assertThat(execs()).containsExactly(FREEZE, THAW);
    assertThat(events(Reasons.BACKUP_FAILED)).singleElement().extracting(Event::getMessage).asString()
        .contains("the BackupPolicy was deleted while its Job");
    assertThat(events(Reasons.HOOK_FAILED)).isEmpty();
  }
}
