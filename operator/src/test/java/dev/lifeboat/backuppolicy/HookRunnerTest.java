package dev.lifeboat.backuppolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.HookOutcome;
import dev.lifeboat.api.v1alpha1.HookPhase;
import dev.lifeboat.testing.KubeletExec;
import dev.lifeboat.testing.LogCapture;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.ErrorStreamMessage;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hook commands through the exec API of the mock server, which answers as a kubelet would. */
@EnableKubernetesMockClient(crud = true)
class HookRunnerTest {
  /** fabric8 logs a refused exec as an error of its own; here the refusal is the point. */
  @RegisterExtension
  final LogCapture execLog = LogCapture.named("io.fabric8.kubernetes.client.dsl.internal.ExecWebSocketListener");
  KubernetesClient client;
  KubernetesMockServer server;

  static final HookRunner.Key KEY = new HookRunner.Key("rose", "notes", "20251109T020000Z", HookPhase.before, 0, "app-0");

  @BeforeEach
  void appPodRuns() {
    client.resource(KubeletExec.runningPod("rose", "app-0", "app", null)).create();
  }

  HookRunner.Ended run(String... command) {
    return run(Duration.ofSeconds(30), command);
  }

  HookRunner.Ended run(Duration timeout, String... command) {
    HookRunner runner = new HookRunner(client);
    runner.start(KEY, new HookRunner.Exec("app", List.of(command), timeout));
    await().atMost(Duration.ofMinutes(1)).until(() -> runner.state(KEY) instanceof HookRunner.Done);
    return ((HookRunner.Done) runner.state(KEY)).ended();
  }

  static String execPath(String... command) {
    return KubeletExec.path("rose", "app-0", "app", command);
  }

  void kubeletAnswers(String path, Object... messages) {
    KubeletExec.answers(server, path, messages);
  }

  @Test
  void aCommandThatExitsZeroSucceedsWithItsOutput() {
    kubeletAnswers(execPath("sync"), new OutputStreamMessage("flushed\n"), new StatusStreamMessage(0));

    HookRunner.Ended ended = run("sync");

    assertThat(ended.outcome()).isEqualTo(HookOutcome.Succeeded);
    assertThat(ended.exitCode()).isZero();
    assertThat(ended.output()).isEqualTo("flushed\n");
  }

  @Test
  void aNonZeroExitFailsWithTheExitCodeAndStderrAfterStdout() {
    kubeletAnswers(execPath("redis-cli", "SAVE"), new OutputStreamMessage("saving\n"),
        new ErrorStreamMessage("ERR disk full\n"), new StatusStreamMessage(3));

    HookRunner.Ended ended = run("redis-cli", "SAVE");

    assertThat(ended.outcome()).isEqualTo(HookOutcome.Failed);
    assertThat(ended.exitCode()).isEqualTo(3);
    assertThat(ended.output()).isEqualTo("saving\nERR disk full\n");
  }

  @Test
  void aCommandThatDoesNotEndInItsTimeoutTimesOut() {
    kubeletAnswers(execPath("sleep", "3600"), new OutputStreamMessage("sleeping\n"));

    HookRunner.Ended ended = run(Duration.ofSeconds(1), "sleep", "3600");

    assertThat(ended.outcome()).isEqualTo(HookOutcome.TimedOut);
    assertThat(ended.exitCode()).isNull();
    assertThat(ended.output()).isEqualTo("sleeping\nno exit after 1s");
  }

  @Test
  void longOutputKeepsOnlyItsLastKibibyte() {
    String lines = "line\n".repeat(2000) + "the end\n";
    kubeletAnswers(execPath("dump"), new OutputStreamMessage(lines), new StatusStreamMessage(0));

    HookRunner.Ended ended = run("dump");

    assertThat(ended.output()).hasSize(HookRunner.STATUS_TAIL_BYTES).endsWith("line\nthe end\n");
  }

  @Test
  void anExecTheApiServerRefusesFailsNamingTheChartValue() {
    server.expect().get().withPath(execPath("sync")).andReturn(403, "forbidden").once();

    HookRunner.Ended ended = run("sync");

    assertThat(ended.outcome()).isEqualTo(HookOutcome.Failed);
    assertThat(ended.output()).contains("hooks.enabled=true");
    assertThat(execLog.lines()).singleElement().asString().startsWith("Exec Failure");
  }

  @Test
  void aCommandNobodyStartedInThisProcessIsUnknown() {
    assertThat(new HookRunner(client).state(KEY)).isInstanceOf(HookRunner.Unknown.class);
  }
}
