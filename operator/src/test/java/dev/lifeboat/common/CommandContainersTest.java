package dev.lifeboat.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.api.v1alpha1.CommandContainer;
import dev.lifeboat.testing.DumpContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The containers that run a user's command beside the agent: their shape in the Job, and the
 * wrapper script run for real with this machine's busybox against a directory standing in for the
 * pod's emptyDirs, the test playing the agent's side (go, abort, heartbeat, reading the FIFO).
 */
@Timeout(60)
class CommandContainersTest {
  @TempDir
  Path root;
  Path busybox;
  Path bin;
  Path dumps;

  @BeforeEach
  void setUp() throws Exception {
    busybox = DumpContainer.busybox();
    bin = Files.createDirectories(root.resolve("bin"));
    dumps = Files.createDirectories(root.resolve("dumps"));
  }

  static CommandContainer pgDump() {
    CommandContainer spec = new CommandContainer();
    spec.image = "postgres:16";
    spec.command = List.of("pg_dump", "--format=custom", "--dbname=$(DATABASE_URL)");
    spec.args = List.of("--verbose");
    spec.envFrom = List.of(new EnvFromSourceBuilder().withNewSecretRef().withName("db").endSecretRef().build());
    return spec;
  }

  static Job agentJob() {
    return new JobBuilder().withNewMetadata().withName("backup").endMetadata().withNewSpec().withNewTemplate()
        .withNewSpec().addNewContainer().withName("agent").withImage("ghcr.io/lifeboat-dev/lifeboat:0.1.0")
        .withResources(new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("256Mi")).build())
        .withNewSecurityContext().withReadOnlyRootFilesystem(true).endSecurityContext()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount().endContainer()
        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec().endTemplate().endSpec().build();
  }

  @Test
  void theWrapperAndTheSetupScriptHoldNothingTheKubeletWouldExpand() {
    String setup = CommandContainers.setupScript(CommandContainers.IMAGE_BUSYBOX, CommandContainers.BIN_DIR,
        CommandContainers.DUMPS_DIR, List.of("tzurot-db"));
    for (String script : List.of(CommandContainers.WRAPPER, setup)) {
      assertThat(script).doesNotContain("$(").doesNotContain("$$");
    }
  }

  @Test
  void aDumpContainerRunsTheUsersImageThroughTheCopiedBusyboxWithItsWordsLeftForTheKubelet() {
    Job job = CommandContainers.withCommands(agentJob(), List.of(CommandContainers.dump("tzurot-db", pgDump(), 900)));
    var pod = job.getSpec().getTemplate().getSpec();

    Container setup = pod.getInitContainers().get(0);
    assertThat(setup.getName()).isEqualTo("lifeboat-setup");
    assertThat(setup.getImage()).as("Lifeboat's image, which carries busybox").isEqualTo("ghcr.io/lifeboat-dev/lifeboat:0.1.0");
    assertThat(setup.getCommand()).containsExactly("/usr/lib/lifeboat/busybox", "sh", "-c",
        "set -e; cp /usr/lib/lifeboat/busybox /lifeboat/bin/busybox; chmod 0555 /lifeboat/bin/busybox;"
            + " mkdir -p /lifeboat/dumps/tzurot-db; mkfifo -m 0666 /lifeboat/dumps/tzurot-db/out");
    assertThat(mounts(setup)).containsExactly(Map.entry("/lifeboat/bin", false), Map.entry("/lifeboat/dumps", false));

    assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("agent", "dump-tzurot-db");
    assertThat(mounts(pod.getContainers().get(0))).containsEntry("/lifeboat/dumps", false).containsEntry("/tmp", false);
    Container dump = pod.getContainers().get(1);
    assertThat(dump.getImage()).isEqualTo("postgres:16");
    assertThat(dump.getCommand()).containsExactly("/lifeboat/bin/busybox", "sh", "-c", CommandContainers.WRAPPER,
        "dump", "/lifeboat/bin/busybox", "/lifeboat/dumps/tzurot-db", "900",
        "pg_dump", "--format=custom", "--dbname=$(DATABASE_URL)", "--verbose");
    assertThat(dump.getArgs()).as("all words are in the command: args would go to the image's entrypoint").isNullOrEmpty();
    assertThat(dump.getEnv()).containsExactly(new EnvVar("HOME", "/tmp", null));
    assertThat(dump.getEnvFrom()).isEqualTo(pgDump().envFrom);
    assertThat(mounts(dump)).containsExactly(Map.entry("/lifeboat/bin", true), Map.entry("/lifeboat/dumps", false),
        Map.entry("/tmp", false));
    assertThat(dump.getResources().getRequests()).as("the agent's by default").containsEntry("memory", new Quantity("256Mi"));
    assertThat(dump.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(dump.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(dump.getSecurityContext().getReadOnlyRootFilesystem()).as("an image's tools may write beside them").isNull();
    assertThat(dump.getSecurityContext().getRunAsUser()).as("the pod's user, the Job's").isNull();
    assertThat(pod.getVolumes()).extracting(v -> v.getName() + (v.getEmptyDir() != null ? ":emptyDir" : ""))
        .containsExactly("tmp:emptyDir", "lifeboat-bin:emptyDir", "lifeboat-dumps:emptyDir", "lifeboat-tmp:emptyDir");
  }

  @Test
  void aUsersHomeAndResourcesWinOverTheDefaults() {
    CommandContainer spec = pgDump();
    spec.env = List.of(new EnvVar("HOME", "/var/lib/postgresql", null));
    spec.resources = new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("1Gi")).build();

    Container dump = CommandContainers.withCommands(agentJob(), List.of(CommandContainers.dump("db", spec, 60)))
        .getSpec().getTemplate().getSpec().getContainers().get(1);

    assertThat(dump.getEnv()).containsExactly(new EnvVar("HOME", "/var/lib/postgresql", null));
    assertThat(dump.getResources()).isEqualTo(spec.resources);
  }

  @Test
  void theSetupScriptCopiesBusyboxAndMakesAFifoAnyUserCanOpen() throws Exception {
    setup("notes");

    assertThat(bin.resolve("busybox")).hasSameBinaryContentAs(busybox);
    assertThat(Files.getPosixFilePermissions(bin.resolve("busybox"))).isEqualTo(PosixFilePermissions.fromString("r-xr-xr-x"));
    Path out = dumps.resolve("notes/out");
    assertThat(Integer.toOctalString((Integer) Files.getAttribute(out, "unix:mode"))).as("a FIFO, mode 0666")
        .isEqualTo("10666");
  }

  @Test
  void theDumpCommandIsFoundOnThePathRatherThanAsABusyboxAppletAndItsWordsArriveIntact() throws Exception {
    Path tools = Files.createDirectories(root.resolve("tools"));
    // A program busybox also has an applet of: the image's must run.
    script(tools.resolve("tar"), "#!/bin/sh\necho \"image tar\"; for a in \"$@\"; do echo \"[$a]\"; done; echo warned >&2\n");
    setup("notes");

    Process wrapper = wrapper("dump", "notes", 30, Map.of("PATH", tools + ":/usr/bin:/bin"), "tar", "a b", "c$d", "$(X)");
    String output = readDump("notes");

    assertThat(output).isEqualTo("image tar\n[a b]\n[c$d]\n[$(X)]\n");
    assertThat(ended(wrapper)).isTrue();
    assertThat(Files.readString(dumps.resolve("notes/exit")).trim()).isEqualTo("0");
    assertThat(Files.readString(dumps.resolve("notes/err"))).isEqualTo("warned\n");
    assertThat(dumps.resolve("notes/exit.tmp")).doesNotExist();
  }

  @Test
  void aCommandThatFailsHasItsExitStatusAndStandardErrorWrittenAndTheWrapperStillEndsZero() throws Exception {
    setup("notes");

    Process wrapper = wrapper("dump", "notes", 30, Map.of(), "sh", "-c", "echo partial; echo 'connection refused' >&2; exit 2");

    assertThat(readDump("notes")).isEqualTo("partial\n");
    assertThat(ended(wrapper)).isTrue();
    assertThat(Files.readString(dumps.resolve("notes/exit")).trim()).isEqualTo("2");
    assertThat(Files.readString(dumps.resolve("notes/err"))).isEqualTo("connection refused\n");
  }

  @Test
  void aMissingProgramIs127WithAClearMessageAndTheAgentStillSeesTheOutputEnd() throws Exception {
    setup("notes");

    Process wrapper = wrapper("dump", "notes", 30, Map.of("PATH", "/usr/bin:/bin"), "pg_dumpp", "--format=custom");

    assertThat(readDump("notes")).isEmpty();
    assertThat(ended(wrapper)).isTrue();
    assertThat(Files.readString(dumps.resolve("notes/exit")).trim()).isEqualTo("127");
    assertThat(Files.readString(dumps.resolve("notes/err")))
        .isEqualTo("lifeboat: pg_dumpp: not found in PATH (/usr/bin:/bin) or not executable\n");
  }

  @Test
  void aCommandRunningIntoItsTimeoutIsStoppedAndSaysSo() throws Exception {
    setup("notes");

    Process wrapper = wrapper("dump", "notes", 1, Map.of(), "sleep", "30");

    assertThat(readDump("notes")).isEmpty();
    assertThat(ended(wrapper)).isTrue();
    assertThat(Files.readString(dumps.resolve("notes/exit")).trim()).isEqualTo("143");
    assertThat(Files.readString(dumps.resolve("notes/err"))).contains("sleep was stopped (SIGTERM)", "timeout of 1 seconds");
  }

  @Test
  void aCommandIgnoringSigtermIsKilledSoItCannotHoldTheJob() throws Exception {
    setup("notes");

    // An ignored signal stays ignored across exec: sleep itself ignores SIGTERM.
    Process wrapper = wrapper("dump", "notes", 1, Map.of(), "sh", "-c", "trap '' TERM; exec sleep 120");

    assertThat(readDump("notes")).isEmpty();
    assertThat(wrapper.waitFor(CommandContainers.KILL_AFTER_SECONDS + 60, TimeUnit.SECONDS)).isTrue();
    assertThat(wrapper.exitValue()).isZero();
    assertThat(Files.readString(dumps.resolve("notes/exit")).trim()).isEqualTo("137");
    assertThat(Files.readString(dumps.resolve("notes/err")))
        .contains("sh was killed (SIGKILL)", "ignored SIGTERM for " + CommandContainers.KILL_AFTER_SECONDS + " more");
  }

  @Test
  void anAbortBeforeGoEndsTheWrapperWithoutRunningTheCommand() throws Exception {
    setup("notes");
    Process wrapper = wrapper("dump", "notes", 30, Map.of(), "touch", root.resolve("ran").toString());

    Files.write(dumps.resolve("notes/abort"), new byte[0]);

    assertThat(ended(wrapper)).isTrue();
    assertThat(root.resolve("ran")).doesNotExist();
    assertThat(dumps.resolve("notes/exit")).doesNotExist();
  }

  @Test
  void aStaleAgentHeartbeatEndsAWrapperStillWaitingForGo() throws Exception {
    setup("notes");
    Path alive = Files.write(dumps.resolve(".agent-alive"), new byte[0]);
    Files.setLastModifiedTime(alive, FileTime.from(Instant.now().minusSeconds(CommandContainers.STALE_AGENT_SECONDS + 60)));

    Process wrapper = wrapper("dump", "notes", 30, Map.of(), "touch", root.resolve("ran").toString());

    assertThat(ended(wrapper)).isTrue();
    assertThat(root.resolve("ran")).doesNotExist();
  }

  @Test
  void aWrapperThatNeverSeesTheAgentsHeartbeatGivesUpWithoutRunningTheCommand() throws Exception {
    setup("notes");

    Process wrapper = wrapper("dump", "notes", 30, Map.of(CommandContainers.AGENT_START_VARIABLE, "1"),
        "touch", root.resolve("ran").toString());

    assertThat(ended(wrapper)).isTrue();
    assertThat(root.resolve("ran")).doesNotExist();
  }

  @Test
  void aTargetCommandReadsTheFifoAsItsStandardInput() throws Exception {
    setup("restore");
    Path received = root.resolve("received");

    Process wrapper = wrapper("target", "restore", 30, Map.of(), "sh", "-c", "cat > " + received + "; echo done >&2");
    Files.write(dumps.resolve("restore/go"), new byte[0]);
    try (FileOutputStream out = new FileOutputStream(dumps.resolve("restore/out").toFile())) {
      out.write("rows\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
    }

    assertThat(ended(wrapper)).isTrue();
    assertThat(Files.readString(received)).isEqualTo("rows\n".repeat(1000));
    assertThat(Files.readString(dumps.resolve("restore/exit")).trim()).isEqualTo("0");
    assertThat(Files.readString(dumps.resolve("restore/err"))).isEqualTo("done\n");
  }

  private void setup(String name) throws Exception {
    assumeTrue(busybox != null, "no busybox on this machine (Debian: busybox-static): skipped");
    Process process = new ProcessBuilder(busybox.toString(), "sh", "-c",
        CommandContainers.setupScript(busybox.toString(), bin.toString(), dumps.toString(), List.of(name)))
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
  }

  /** The wrapper as the dump or target container runs it, with the copied busybox. */
  private Process wrapper(String role, String name, long timeout, Map<String, String> env, String... command)
      throws IOException {
    List<String> line = CommandContainers.commandLine(bin.resolve("busybox").toString(), role,
        dumps.resolve(name).toString(), timeout, List.of(command));
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(line)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(name + "-wrapper.log").toFile()));
    builder.environment().putAll(env);
    return builder.start();
  }

  /** The agent's side of a dump: go, then everything the command writes into the FIFO. */
  private String readDump(String name) throws IOException {
    Files.write(dumps.resolve(name).resolve("go"), new byte[0]);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (FileInputStream in = new FileInputStream(dumps.resolve(name).resolve("out").toFile())) {
      in.transferTo(bytes); // not readAllBytes: it seeks, which a FIFO refuses
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean ended(Process wrapper) throws InterruptedException {
    return wrapper.waitFor(30, TimeUnit.SECONDS) && wrapper.exitValue() == 0;
  }

  private static void script(Path file, String text) throws IOException {
    Files.writeString(file, text);
    file.toFile().setExecutable(true);
  }

  private static Map<String, Boolean> mounts(Container container) {
    return container.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getMountPath,
        m -> Boolean.TRUE.equals(m.getReadOnly()), (a, b) -> a, java.util.LinkedHashMap::new));
  }
}
