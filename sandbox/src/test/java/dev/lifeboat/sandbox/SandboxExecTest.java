package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.APP;
import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pods/exec into the app's pod (a Deployment's, which runs no process in the sandbox but is
 * Running, as hooks find it), through the fabric8 client as the operator execs: the command runs
 * with the container's environment and mounts, its output and exit code come back over the
 * WebSocket, and each exec is logged under the pod's folder.
 */
class SandboxExecTest {
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;
  Pod app;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(state, 0, 1);
    fixture = new SandboxFixture(sandbox);
    fixture.volumeWithData();
    app = fixture.runningApp();
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  record Exec(int exitCode, String out, String err) {}

  /** {@code sh -c script} in the app's container, to its end. */
  Exec exec(String script) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch = sandbox.client().pods().inNamespace(NS).withName(app.getMetadata().getName())
        .inContainer(APP).writingOutput(out).writingError(err).exec("sh", "-c", script)) {
      int exitCode = watch.exitCode().get(60, TimeUnit.SECONDS);
      return new Exec(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  Path execLog(int n) {
    return state.resolve("pods").resolve(NS).resolve(app.getMetadata().getName()).resolve("exec").resolve(n + ".log");
  }

  @Test
  void aCommandSeesTheAppsVolumeAtItsMountPathAndItsOutputAndExitCode0ComeBack() throws Exception {
    Exec exec = exec("echo hello from the pod; cat /data/sessions/today.json");

    assertThat(exec.exitCode()).isZero();
    assertThat(exec.out()).isEqualTo("hello from the pod\n{\"mood\":\"calm\"}");
    assertThat(exec.err()).isEmpty();
    assertThat(Files.readString(execLog(1))).contains("# container rose of pod " + NS + "/" + app.getMetadata().getName(),
        "# command sh -c 'echo hello from the pod; cat /data/sessions/today.json'", "hello from the pod",
        "# exit code 0");
  }

  @Test
  void aNonZeroExitIsTheWatchsExitCodeAndStderrComesBackApartFromStdout() throws Exception {
    Exec exec = exec("echo on stdout; echo on stderr >&2; exit 3");

    assertThat(exec.exitCode()).isEqualTo(3);
    assertThat(exec.out()).isEqualTo("on stdout\n");
    assertThat(exec.err()).isEqualTo("on stderr\n");
    assertThat(Files.readString(execLog(1))).endsWith("# exit code 3\n");
  }

  @Test
  void theContainersEnvironmentIsThereWithItsSecretAndItsExpandedVariables() throws Exception {
    Exec exec = exec("echo \"$DB_PASSWORD $DUMP_FILE $HOSTNAME\"");

    assertThat(exec.exitCode()).isZero();
    // DUMP_FILE is $(DATA_DIR)/dump.sql expanded, then its mount path mapped to the volume's directory.
    assertThat(exec.out()).isEqualTo("petals-and-thorns " + sandbox.volume(NS, "memory-data").resolve("dump.sql") + " "
        + app.getMetadata().getName() + "\n");
  }

  @Test
  void aFileWrittenIntoTheMountIsInTheAppsVolumeOwnedByTheContainersUser() throws Exception {
    Exec exec = exec("echo flushed > /data/hook-was-here && echo dumped > \"$DUMP_FILE\"");

    assertThat(exec.exitCode()).isZero();
    Path volume = sandbox.volume(NS, "memory-data");
    assertThat(volume.resolve("hook-was-here")).hasContent("flushed");
    assertThat(volume.resolve("dump.sql")).hasContent("dumped");
    if (HostSupport.currentUid() == 0) {
      // As root, the exec runs as the container does: the image's user here (no runAsUser).
      assertThat(Files.getAttribute(volume.resolve("hook-was-here"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
          .isEqualTo((int) PodIdentity.IMAGE_USER);
    }
  }

  @Test
  void closingTheWatchKillsALongCommandAndWhatItStarted() throws Exception {
    Path volume = sandbox.volume(NS, "memory-data");
    ExecWatch watch = sandbox.client().pods().inNamespace(NS).withName(app.getMetadata().getName())
        .inContainer(APP).writingOutput(new ByteArrayOutputStream())
        .exec("sh", "-c", "sleep 600 & echo $! > /data/child.tmp && mv /data/child.tmp /data/child; echo $$ > /data/shell.tmp"
            + " && mv /data/shell.tmp /data/shell; wait");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(volume.resolve("shell")));
    long shell = Long.parseLong(Files.readString(volume.resolve("shell")).trim());
    long child = Long.parseLong(Files.readString(volume.resolve("child")).trim());
    assertThat(ProcessHandle.of(child)).isPresent();

    watch.close();

    await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(shell).map(p -> !p.isAlive()).orElse(true)
        && ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(execLog(1)).contains("killed"));
  }

  @Test
  void scalingTheAppDownKillsWhatRunsInItsPodAsItsContainerIsKilled() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExecWatch watch = sandbox.client().pods().inNamespace(NS).withName(app.getMetadata().getName())
        .inContainer(APP).writingOutput(out).exec("sh", "-c", "echo started; sleep 600")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> out.toString(StandardCharsets.UTF_8).contains("started"));

      sandbox.client().apps().deployments().inNamespace(NS).withName(APP).scale(0);

      assertThat(watch.exitCode().get(60, TimeUnit.SECONDS)).isEqualTo(137);
    }
    assertThat(Files.readString(execLog(1))).contains("# killed: pod deleted", "# exit code 137");
  }

  @Test
  void stdinIsPassedToTheCommand() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExecWatch watch = sandbox.client().pods().inNamespace(NS).withName(app.getMetadata().getName())
        .inContainer(APP).redirectingInput().writingOutput(out).exec("sh", "-c", "read line; echo \"got $line\"")) {
      watch.getInput().write("a line\n".getBytes(StandardCharsets.UTF_8));
      watch.getInput().flush();
      assertThat(watch.exitCode().get(60, TimeUnit.SECONDS)).isZero();
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("got a line\n");
  }

  @Test
  void anUnknownContainerIsRefusedAsTheApiServerRefusesItNamingTheContainer() {
    // The fabric8 client checks the name itself before asking; kubectl and others get the API server's answer.
    var response = fixture.apiGet("/api/v1/namespaces/" + NS + "/pods/" + app.getMetadata().getName()
        + "/exec?command=true&container=nope&stdout=true");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("container nope is not valid for pod " + app.getMetadata().getName());
  }

  /** A Job's pod whose container {@code work} runs {@code script} with an emptyDir at /work. */
  Pod jobPod(String name, String script) {
    fixture.podJob(name, new PodSpecBuilder().addNewContainer().withName("work").withImage("busybox:1")
        .withCommand("sh", "-c", script).addNewVolumeMount().withName("work").withMountPath("/scratch").endVolumeMount()
        .endContainer().addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume().build());
    return fixture.onlyPod(name);
  }

  @Test
  void anExecIntoARunningJobPodSharesItsEmptyDirWithTheContainersOwnProcess() throws Exception {
    Pod pod = jobPod("busy", "echo from the container > /scratch/note; sleep 600");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(fixture.emptyDir(pod.getMetadata().getName(), "work")
        .resolve("note")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try (ExecWatch watch = sandbox.client().pods().inNamespace(NS).withName(pod.getMetadata().getName())
        .inContainer("work").writingOutput(out).exec("cat", "/scratch/note")) {
      assertThat(watch.exitCode().get(60, TimeUnit.SECONDS)).isZero();
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("from the container\n");
  }

  @Test
  void aCompletedPodIsRefusedAsKubectlRefusesIt() {
    Pod pod = jobPod("done", "true");
    fixture.finished("done");

    var response = fixture.apiGet("/api/v1/namespaces/" + NS + "/pods/" + pod.getMetadata().getName()
        + "/exec?command=true&container=work&stdout=true");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("cannot exec into a container in a completed pod; current phase is Succeeded");
  }

  @Test
  void anUnknownPodIsNotFound() {
    var response = fixture.apiGet("/api/v1/namespaces/" + NS + "/pods/gone/exec?command=true&stdout=true");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("pods \\\"gone\\\" not found");
  }

  @Test
  void aProgramThatIsNotThereFailsTheExecAsTheRuntimeSaysIt() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExecWatch watch = sandbox.client().pods().inNamespace(NS).withName(app.getMetadata().getName())
        .inContainer(APP).writingOutput(out).exec("no-such-program")) {
      assertThat(watch.exitCode().get(60, TimeUnit.SECONDS)).isNotZero();
    }
    assertThat(Files.readString(execLog(1))).contains("executable file not found in $PATH");
  }
}
