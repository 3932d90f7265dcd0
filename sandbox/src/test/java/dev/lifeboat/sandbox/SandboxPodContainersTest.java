package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static dev.lifeboat.sandbox.SandboxFixture.hasCondition;
import static dev.lifeboat.sandbox.SandboxFixture.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore drill's pod, as the sandbox's kubelet runs it: an init container restoring into an
 * emptyDir, then a main container with a user's image and command checking what was restored; and
 * a dump's pod, whose containers run together and talk through a FIFO.
 * The image is not pulled: the command runs with this machine's tools (sh, sqlite3).
 */
class SandboxPodContainersTest {
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  @BeforeEach
  void start() {
    sandbox = Sandbox.start(state, 0, 1);
    fixture = new SandboxFixture(sandbox);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  /** An init container "restore" and a container "check", both mounting the emptyDir "restore" at /restore. */
  static PodSpecBuilder drill(String restoreScript, String checkScript) {
    return new PodSpecBuilder()
        .addNewVolume().withName("restore").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewInitContainer().withName("restore").withImage("lifeboat:test")
        .withCommand("sh", "-c", restoreScript)
        .addNewVolumeMount().withName("restore").withMountPath("/restore").endVolumeMount()
        .endInitContainer()
        .addNewContainer().withName("check").withImage("keinos/sqlite3")
        .withCommand("sh", "-c", checkScript)
        .addNewVolumeMount().withName("restore").withMountPath("/restore").withReadOnly(true).endVolumeMount()
        .endContainer();
  }

  @Test
  void anInitContainerRestoresIntoAnEmptyDirAndTheMainContainerReadsItThenBothAreCompleted() {
    fixture.podJob("drill-ok", drill(
        "mkdir -p /restore/memory-data && echo 3 > /restore/memory-data/count && echo restored 3 notes",
        "test \"$(cat /restore/memory-data/count)\" = 3 && echo \"notes: $(cat /restore/memory-data/count)\"").build());

    var job = fixture.finished("drill-ok");

    assertThat(hasCondition(job, "Complete")).as("Job conditions %s", job.getStatus().getConditions()).isTrue();
    Pod pod = fixture.onlyPod("drill-ok");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
    for (String container : new String[] {"restore", "check"}) {
      var terminated = status(pod, container).getState().getTerminated();
      assertThat(terminated).as(container).isNotNull();
      assertThat(terminated.getExitCode()).as(container).isZero();
      assertThat(terminated.getReason()).as(container).isEqualTo("Completed");
    }
    assertThat(pod.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Initialized");
      assertThat(c.getStatus()).isEqualTo("True");
    });
    // Each container has its own log; without ?container=, the first container's (kubectl's default).
    String name = pod.getMetadata().getName();
    assertThat(fixture.podLog(name, "restore").body()).isEqualTo("restored 3 notes\n");
    assertThat(fixture.podLog(name, "check").body()).isEqualTo("notes: 3\n");
    assertThat(fixture.podLog(name, null).body()).isEqualTo("notes: 3\n");
    var unknown = fixture.podLog(name, "nope");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("container nope is not valid for pod " + name);
  }

  @Test
  void theDrillOfTheSqliteImageChecksTheRestoredDatabaseWithTheHostsSqlite3() {
    assumeTrue(HostSupport.executable("sqlite3") != null, "sqlite3 is not installed here: skipped");
    fixture.podJob("drill-sqlite", drill(
        "mkdir -p /restore/memory-data && sqlite3 /restore/memory-data/memory.db"
            + " \"create table notes(body text); insert into notes values ('calm'), ('tea');\"",
        "sqlite3 /restore/memory-data/memory.db 'select count(*) from notes' | grep -qv '^0$'").build());

    assertThat(hasCondition(fixture.finished("drill-sqlite"), "Complete")).isTrue();
  }

  @Test
  void aFailingInitContainerFailsThePodAndTheJobAndTheMainContainerNeverRuns() {
    fixture.podJob("drill-broken", drill("echo cannot restore: access denied; exit 3", "touch /restore/ran").build());

    var job = fixture.finished("drill-broken");

    assertThat(hasCondition(job, "Failed")).isTrue();
    assertThat(job.getStatus().getConditions()).anySatisfy(c -> assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded"));
    Pod pod = fixture.onlyPod("drill-broken");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
    var restore = status(pod, "restore").getState().getTerminated();
    assertThat(restore.getExitCode()).isEqualTo(3);
    assertThat(restore.getReason()).isEqualTo("Error");
    assertThat(status(pod, "check").getState().getWaiting().getReason()).isEqualTo("PodInitializing");
    String name = pod.getMetadata().getName();
    assertThat(fixture.emptyDir(name, "restore").resolve("ran")).doesNotExist();
    var log = fixture.podLog(name, "check");
    assertThat(log.statusCode()).isEqualTo(400);
    assertThat(log.body()).contains("container \\\"check\\\" in pod \\\"" + name + "\\\" is waiting to start: PodInitializing");
  }

  @Test
  void whileTheInitContainerRunsThePodIsPendingAndItsContainersArePodInitializing() throws Exception {
    fixture.podJob("drill-slow", drill("while [ ! -e /restore/go ]; do sleep 0.1; done", "true").build());
    Pod pod = fixture.onlyPod("drill-slow");
    String name = pod.getMetadata().getName();

    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Pod now = sandbox.client().pods().inNamespace(NS).withName(name).get();
      return now.getStatus() != null && now.getStatus().getInitContainerStatuses() != null
          && status(now, "restore").getState().getRunning() != null;
    });
    Pod initializing = sandbox.client().pods().inNamespace(NS).withName(name).get();
    assertThat(initializing.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(status(initializing, "check").getState().getWaiting().getReason()).isEqualTo("PodInitializing");
    assertThat(initializing.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Initialized");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("ContainersNotInitialized");
      assertThat(c.getMessage()).isEqualTo("containers with incomplete status: [restore]");
    });

    Files.writeString(fixture.emptyDir(name, "restore").resolve("go"), "");
    assertThat(hasCondition(fixture.finished("drill-slow"), "Complete")).isTrue();
  }

  @Test
  void aFailingMainContainerWithFallbackToLogsOnErrorReportsTheTailOfItsLogAndAFileMessageWins() {
    // As the kubelet cuts a log: its last 80 lines, of which the last 2048 bytes.
    PodSpec pod = drill("true", "for i in $(seq 100 199); do echo \"line $i\"; done; exit 1").build();
    pod.getContainers().get(0).setTerminationMessagePolicy("FallbackToLogsOnError");
    pod.getContainers().add(new ContainerBuilder().withName("bulky").withImage("busybox")
        .withCommand("sh", "-c", "for i in $(seq 100 199); do echo \"line $i: the notes table is missing  \"; done; exit 1")
        .withTerminationMessagePolicy("FallbackToLogsOnError").build());
    pod.getContainers().add(new ContainerBuilder().withName("report").withImage("busybox")
        .withCommand("sh", "-c", "echo 'drill failed: 0 rows' > /dev/termination-log; echo some log; exit 2")
        .withTerminationMessagePolicy("FallbackToLogsOnError").build());
    fixture.podJob("drill-empty", pod);

    assertThat(hasCondition(fixture.finished("drill-empty"), "Failed")).isTrue();
    Pod failed = fixture.onlyPod("drill-empty");
    assertThat(failed.getStatus().getPhase()).isEqualTo("Failed");
    var check = status(failed, "check").getState().getTerminated();
    assertThat(check.getExitCode()).isEqualTo(1);
    assertThat(check.getReason()).isEqualTo("Error");
    assertThat(check.getMessage()).startsWith("line 120\nline 121\n").endsWith("line 198\nline 199\n");
    var bulky = status(failed, "bulky").getState().getTerminated();
    assertThat(bulky.getMessage()).as("39-byte lines: 80 of them are more than 2048 bytes").hasSize(2048)
        .endsWith("line 199: the notes table is missing  \n");
    var report = status(failed, "report").getState().getTerminated();
    assertThat(report.getExitCode()).isEqualTo(2);
    assertThat(report.getMessage()).isEqualTo("drill failed: 0 rows\n");
  }

  /**
   * Two containers sharing an emptyDir with a FIFO an init container made: the writer, first in the
   * spec, blocks opening the FIFO until the reader opens it, so they only finish when run together.
   */
  @Test
  void theContainersRunTogetherSoTwoOfThemCanTalkThroughAFifoInASharedEmptyDir() {
    PodSpec pod = new PodSpecBuilder()
        .addNewVolume().withName("dumps").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewInitContainer().withName("lifeboat-setup").withImage("lifeboat:test")
        .withCommand("sh", "-c", "mkfifo -m 0666 /lifeboat/dumps/out")
        .addNewVolumeMount().withName("dumps").withMountPath("/lifeboat/dumps").endVolumeMount()
        .endInitContainer()
        .addNewContainer().withName("dump-notes").withImage("postgres:16")
        .withCommand("sh", "-c", "seq 1 5000 > /lifeboat/dumps/out; echo wrote")
        .addNewVolumeMount().withName("dumps").withMountPath("/lifeboat/dumps").endVolumeMount()
        .endContainer()
        .addNewContainer().withName("agent").withImage("lifeboat:test")
        .withCommand("sh", "-c", "echo \"read $(wc -l < /lifeboat/dumps/out) lines\"")
        .addNewVolumeMount().withName("dumps").withMountPath("/lifeboat/dumps").endVolumeMount()
        .endContainer().build();
    fixture.podJob("dump-fifo", pod);

    var job = fixture.finished("dump-fifo");

    assertThat(hasCondition(job, "Complete")).as("Job conditions %s", job.getStatus().getConditions()).isTrue();
    Pod done = fixture.onlyPod("dump-fifo");
    assertThat(done.getStatus().getPhase()).isEqualTo("Succeeded");
    for (String container : new String[] {"lifeboat-setup", "dump-notes", "agent"}) {
      var terminated = status(done, container).getState().getTerminated();
      assertThat(terminated).as(container).isNotNull();
      assertThat(terminated.getExitCode()).as(container).isZero();
      assertThat(terminated.getReason()).as(container).isEqualTo("Completed");
    }
    String name = done.getMetadata().getName();
    assertThat(fixture.podLog(name, "dump-notes").body()).isEqualTo("wrote\n");
    assertThat(fixture.podLog(name, "agent").body()).isEqualTo("read 5000 lines\n");
  }

  /**
   * The runtime contract of Lifeboat's dump Jobs, with the image's static busybox (this machine's
   * here): the init container copies it into the bin emptyDir and makes the FIFO; the dump
   * container runs its command through the copy, writing to the FIFO the agent reads.
   */
  @Test
  void theImagesBusyboxHelperIsCopiedIntoThePodAndRunsTheDumpCommand() {
    assumeTrue(ContainerLaunch.hostHelper() != null, "no busybox on this machine: skipped");
    PodSpec pod = new PodSpecBuilder()
        .addNewVolume().withName("lifeboat-bin").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("lifeboat-dumps").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewInitContainer().withName("lifeboat-setup").withImage("lifeboat:test")
        .withCommand(ContainerLaunch.HELPER, "sh", "-c", "cp " + ContainerLaunch.HELPER + " /lifeboat/bin/busybox"
            + " && chmod 0555 /lifeboat/bin/busybox && mkdir -p /lifeboat/dumps/notes"
            + " && mkfifo -m 0666 /lifeboat/dumps/notes/out")
        .addNewVolumeMount().withName("lifeboat-bin").withMountPath("/lifeboat/bin").endVolumeMount()
        .addNewVolumeMount().withName("lifeboat-dumps").withMountPath("/lifeboat/dumps").endVolumeMount()
        .endInitContainer()
        .addNewContainer().withName("dump-notes").withImage("postgres:16")
        .withCommand("/lifeboat/bin/busybox", "sh", "-c", "echo \"$1\" > /lifeboat/dumps/notes/out", "sh", "calm tea")
        .addNewVolumeMount().withName("lifeboat-bin").withMountPath("/lifeboat/bin").endVolumeMount()
        .addNewVolumeMount().withName("lifeboat-dumps").withMountPath("/lifeboat/dumps").endVolumeMount()
        .endContainer()
        .addNewContainer().withName("agent").withImage("lifeboat:test")
        .withCommand("sh", "-c", "cat /lifeboat/dumps/notes/out")
        .addNewVolumeMount().withName("lifeboat-dumps").withMountPath("/lifeboat/dumps").endVolumeMount()
        .endContainer().build();
    fixture.podJob("dump-helper", pod);

    assertThat(hasCondition(fixture.finished("dump-helper"), "Complete")).isTrue();
    String name = fixture.onlyPod("dump-helper").getMetadata().getName();
    assertThat(fixture.emptyDir(name, "lifeboat-bin").resolve("busybox")).isRegularFile()
        .hasSameBinaryContentAs(ContainerLaunch.hostHelper());
    assertThat(fixture.podLog(name, "agent").body()).isEqualTo("calm tea\n");
  }

  /**
   * The agent fails while the dump container still waits for its go: the pod is Running with one
   * container terminated (exit 1) and the other running; the dump container sees {@code abort},
   * exits 0, and the pod ends Failed with each container's own termination.
   */
  @Test
  void oneContainerFailingWhileTheOtherRunsIsReportedPerContainerAndThePodEndsWhenBothHaveExited() throws Exception {
    PodSpec pod = new PodSpecBuilder()
        .addNewVolume().withName("dumps").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewContainer().withName("dump-notes").withImage("postgres:16")
        .withCommand("sh", "-c", "until [ -e /lifeboat/dumps/go ] || [ -e /lifeboat/dumps/abort ]; do sleep 0.1; done;"
            + " echo saw abort")
        .addNewVolumeMount().withName("dumps").withMountPath("/lifeboat/dumps").endVolumeMount()
        .endContainer()
        .addNewContainer().withName("agent").withImage("lifeboat:test").withTerminationMessagePolicy("FallbackToLogsOnError")
        .withCommand("sh", "-c", "echo 'cannot reach the bucket'; exit 1")
        .addNewVolumeMount().withName("dumps").withMountPath("/lifeboat/dumps").endVolumeMount()
        .endContainer().build();
    fixture.podJob("dump-abort", pod);
    String name = fixture.onlyPod("dump-abort").getMetadata().getName();

    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Pod now = sandbox.client().pods().inNamespace(NS).withName(name).get();
      return now.getStatus() != null && now.getStatus().getContainerStatuses() != null
          && status(now, "agent").getState().getTerminated() != null;
    });
    Pod halfway = sandbox.client().pods().inNamespace(NS).withName(name).get();
    assertThat(halfway.getStatus().getPhase()).isEqualTo("Running");
    assertThat(status(halfway, "dump-notes").getState().getRunning()).isNotNull();
    assertThat(status(halfway, "dump-notes").getReady()).isTrue();
    assertThat(status(halfway, "agent").getState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(status(halfway, "agent").getReady()).isFalse();

    Files.writeString(fixture.emptyDir(name, "dumps").resolve("abort"), "");
    var job = fixture.finished("dump-abort");

    assertThat(hasCondition(job, "Failed")).isTrue();
    Pod failed = sandbox.client().pods().inNamespace(NS).withName(name).get();
    assertThat(failed.getStatus().getPhase()).isEqualTo("Failed");
    var agent = status(failed, "agent").getState().getTerminated();
    assertThat(agent.getExitCode()).isEqualTo(1);
    assertThat(agent.getReason()).isEqualTo("Error");
    assertThat(agent.getMessage()).isEqualTo("cannot reach the bucket\n");
    var dump = status(failed, "dump-notes").getState().getTerminated();
    assertThat(dump.getExitCode()).isZero();
    assertThat(dump.getReason()).isEqualTo("Completed");
    assertThat(fixture.podLog(name, "dump-notes").body()).isEqualTo("saw abort\n");
  }

  @Test
  void envAndEnvFromASecretExpandIntoArgsAsTheKubeletExpandsThem() {
    sandbox.client().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("drill-db")
        .withNamespace(NS).endMetadata().addToStringData("USER", "rose").addToStringData("PASSWORD", "p@ss$(USER)")
        .build()).create();
    PodSpec pod = drill("true", "printf '%s\\n' \"$@\"; echo \"LATER=$LATER\"; echo \"DB=$DB\"").build();
    var check = pod.getContainers().get(0);
    check.getCommand().add("sh");
    check.setEnvFrom(java.util.List.of(new io.fabric8.kubernetes.api.model.EnvFromSourceBuilder().withPrefix("DB_")
        .withNewSecretRef().withName("drill-db").endSecretRef().build()));
    check.setEnv(java.util.List.of(
        new io.fabric8.kubernetes.api.model.EnvVar("DIR", "/restore/memory-data", null),
        new io.fabric8.kubernetes.api.model.EnvVar("DB", "$(DIR)/memory.db", null),
        new io.fabric8.kubernetes.api.model.EnvVar("LATER", "$(DEFINED_AFTER)", null),
        new io.fabric8.kubernetes.api.model.EnvVar("DEFINED_AFTER", "x", null)));
    check.setArgs(java.util.List.of("$(DB_USER) reads $(DB)", "$$(DB_USER)", "$(NOPE)", "$(DEFINED_AFTER)",
        "cost: $$5 $5 $(", "$(DB_PASSWORD)"));
    fixture.podJob("drill-env", pod);

    assertThat(hasCondition(fixture.finished("drill-env"), "Complete")).isTrue();
    String name = fixture.onlyPod("drill-env").getMetadata().getName();
    String restore = fixture.emptyDir(name, "restore").toString();
    assertThat(fixture.podLog(name, "check").body()).isEqualTo(String.join("\n",
        "rose reads " + restore + "/memory-data/memory.db", // the mount path rewritten to where the emptyDir is here
        "$(DB_USER)",             // $$ escapes
        "$(NOPE)",                // unknown: as written
        "x",                      // args see every variable
        "cost: $5 $5 $(",         // $$ is $, any other $ stays
        "p@ss$(USER)",            // a Secret's value is never expanded
        "LATER=$(DEFINED_AFTER)", // an env value sees only the variables defined before it
        "DB=" + restore + "/memory-data/memory.db", ""));
  }

  @Test
  void aContainerWithArgsButNoCommandCannotStartSinceTheImagesEntrypointIsUnknown() {
    PodSpec pod = drill("true", "true").build();
    pod.getContainers().get(0).setCommand(null);
    pod.getContainers().get(0).setArgs(java.util.List.of("/restore/memory.db", "select 1"));
    fixture.podJob("drill-args", pod);

    assertThat(hasCondition(fixture.finished("drill-args"), "Failed")).isTrue();
    var check = status(fixture.onlyPod("drill-args"), "check").getState().getTerminated();
    assertThat(check.getExitCode()).isEqualTo(128);
    assertThat(check.getReason()).isEqualTo("StartError");
    assertThat(check.getMessage()).contains("keinos/sqlite3", "ENTRYPOINT", "command");
  }

  @Test
  void asRootTheUserContainerRunsAsThePodsRunAsUserAndSeesWhatTheInitContainerWrote() throws Exception {
    ContainerLaunchIdentityTest.assumeRoot();
    PodSpec pod = drill("echo restored > /restore/notes.txt",
        "id -u; id -g; cat /restore/notes.txt; touch /restore/checked 2>/dev/null || echo read-only").build();
    pod.setSecurityContext(new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder().withRunAsUser(999L)
        .withRunAsGroup(999L).withFsGroup(2000L).build());
    fixture.podJob("drill-as-999", pod);

    assertThat(hasCondition(fixture.finished("drill-as-999"), "Complete")).isTrue();
    String name = fixture.onlyPod("drill-as-999").getMetadata().getName();
    String log = fixture.podLog(name, "check").body();
    assertThat(log).startsWith("999\n999\nrestored\n");
    Path notes = fixture.emptyDir(name, "restore").resolve("notes.txt");
    assertThat(Files.getAttribute(notes, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(999);
    assertThat(Files.getAttribute(notes, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as("fsGroup: setgid emptyDir").isEqualTo(2000);
    if (HostSupport.host().isolatesMounts()) {
      assertThat(log).as("mounted readOnly in the check container").contains("read-only");
    }
  }
}
