package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.CommandContainer;
import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The containers that run a user's command beside the agent in one pod (docs/agent.md, "Dumps"): a
 * dump's command, whose standard output the agent backs up, or a restore's target command, whose
 * standard input the agent fills. The user's image needs no shell: the init container
 * {@value #SETUP_CONTAINER} (Lifeboat's image) copies its static busybox into the emptyDir
 * {@value #BIN_VOLUME} and makes a FIFO per command in the emptyDir {@value #DUMPS_VOLUME}; the
 * command container then runs {@link #WRAPPER} with that busybox, and the user's words after it.
 * Pure.
 */
public final class CommandContainers {
  /** A command still running this long after its timeout's SIGTERM is killed, so it cannot hold the Job. */
  static final int KILL_AFTER_SECONDS = 30;
  public static final String SETUP_CONTAINER = "lifeboat-setup";
  public static final String TARGET_CONTAINER = "target";
  /** Where Lifeboat's image carries Debian's static busybox. */
  public static final String IMAGE_BUSYBOX = "/usr/lib/lifeboat/busybox";
  public static final String BIN_VOLUME = "lifeboat-bin";
  public static final String BIN_DIR = "/lifeboat/bin";
  public static final String BUSYBOX = BIN_DIR + "/busybox";
  public static final String DUMPS_VOLUME = "lifeboat-dumps";
  public static final String DUMPS_DIR = "/lifeboat/dumps";
  /** The user's commands' /tmp (and HOME): the root filesystem of their image may be read-only or not theirs. */
  public static final String TMP_VOLUME = "lifeboat-tmp";
  /** The role word a wrapper is started with: the command writes the FIFO, or reads it. */
  public static final String DUMP_ROLE = "dump";
  public static final String TARGET_ROLE = "target";
  /** Seconds without a heartbeat after which a wrapper still waiting for go gives up: the agent is gone. */
  public static final int STALE_AGENT_SECONDS = 60;
  /**
   * Seconds a wrapper waits for the agent's first heartbeat before it gives up: an agent that failed
   * before it got to the dumps (a missing key file, a JVM that did not start) never writes abort.
   */
  public static final int AGENT_START_SECONDS = 600;
  /** Environment variable that shortens {@link #AGENT_START_SECONDS}; for tests. */
  public static final String AGENT_START_VARIABLE = "LIFEBOAT_AGENT_START_SECONDS";

  /**
   * Run as {@code busybox sh -c WRAPPER ROLE BUSYBOX DIR TIMEOUT PROGRAM ARGS...}: waits for
   * {@code DIR/go} (ends on {@code DIR/abort}, once the agent's heartbeat is stale, or when none
   * came within {@link #AGENT_START_SECONDS}), finds
   * PROGRAM on $PATH itself (busybox's sh would otherwise prefer its own applet of that name, e.g.
   * its tar over the image's), runs it under {@code timeout} with standard output into the FIFO
   * {@code DIR/out} (role dump) or standard input from it (role target) and standard error in
   * {@code DIR/err}, writes its exit status into {@code DIR/exit} by rename, and always ends 0: the
   * agent decides the outcome. Every tool is busybox's, named by path: the image may have none.
   *
   * <p>No {@code $(} and no {@code $$} in it: the kubelet expands {@code $(VAR)} and turns {@code $$}
   * into {@code $} in a container's command and args, which must apply to the user's words only.
   */
  public static final String WRAPPER = String.join("\n",
      "role=\"$0\"; b=\"$1\"; dir=\"$2\"; t=\"$3\"; shift 3",
      "alive=\"$dir/../.agent-alive\"; since=`\"$b\" date +%s`",
      "while [ ! -e \"$dir/go\" ]; do",
      "  if [ -e \"$dir/abort\" ]; then exit 0; fi",
      "  now=`\"$b\" date +%s`",
      "  if [ -e \"$alive\" ]; then",
      "    seen=`\"$b\" stat -c %Y \"$alive\"`",
      "    if [ `\"$b\" expr \"$now\" - \"$seen\"` -gt " + STALE_AGENT_SECONDS + " ]; then exit 0; fi",
      "  elif [ `\"$b\" expr \"$now\" - \"$since\"` -gt \"${" + AGENT_START_VARIABLE + ":-" + AGENT_START_SECONDS + "}\" ]; then",
      "    exit 0",
      "  fi",
      "  \"$b\" sleep 1",
      "done",
      "prog=\"$1\"; shift; path=",
      "case \"$prog\" in",
      "  */*) if [ -f \"$prog\" ] && [ -x \"$prog\" ]; then path=\"$prog\"; fi ;;",
      "  *) set -f; IFS=:",
      "     for d in ${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}; do",
      "       if [ -n \"$d\" ] && [ -f \"$d/$prog\" ] && [ -x \"$d/$prog\" ]; then path=\"$d/$prog\"; break; fi",
      "     done",
      "     unset IFS; set +f ;;",
      "esac",
      "if [ -z \"$path\" ]; then",
      "  run() { echo \"lifeboat: $prog: not found in PATH ($PATH) or not executable\" >&2; return 127; }",
      "else",
      "  run() { \"$b\" timeout -k " + KILL_AFTER_SECONDS + " \"$t\" \"$path\" \"$@\"; }",
      "fi",
      "if [ \"$role\" = " + DUMP_ROLE + " ]; then",
      "  run \"$@\" > \"$dir/out\" 2> \"$dir/err\"",
      "else",
      "  run \"$@\" < \"$dir/out\" 2> \"$dir/err\"",
      "fi",
      "rc=$?",
      "if [ \"$rc\" = 143 ]; then",
      "  echo \"lifeboat: $prog was stopped (SIGTERM): it ran into its timeout of $t seconds, or was killed\" >> \"$dir/err\"",
      "elif [ \"$rc\" = 137 ]; then",
      "  echo \"lifeboat: $prog was killed (SIGKILL): it ran into its timeout of $t seconds and ignored SIGTERM for "
          + KILL_AFTER_SECONDS + " more, or was killed\" >> \"$dir/err\"",
      "fi",
      "echo \"$rc\" > \"$dir/exit.tmp\"",
      "\"$b\" mv -f \"$dir/exit.tmp\" \"$dir/exit\"",
      "exit 0");

  /** A user's command, the name of its container and of its directory under {@value #DUMPS_DIR}, and its timeout. */
  public record Command(String container, String dir, CommandContainer spec, long timeoutSeconds, String role) {}

  /**
   * Added to the dumps' timeouts in a backup Job's deadline: a dump container's image may take
   * minutes to pull (the agent waits 10 for it), and its exit status a minute to appear.
   */
  public static final long DEADLINE_MARGIN_SECONDS = 15 * 60L;

  private CommandContainers() {}

  /** The container of dump {@code name}. */
  public static String dumpContainer(String name) {
    return "dump-" + name;
  }

  /** The directory a command shares with the agent. */
  public static String dir(String name) {
    return DUMPS_DIR + "/" + name;
  }

  /** Dump {@code name}: its command writes the FIFO, within {@code timeoutSeconds}. */
  public static Command dump(String name, CommandContainer spec, long timeoutSeconds) {
    return new Command(dumpContainer(name), name, spec, timeoutSeconds, DUMP_ROLE);
  }

  /** A restore's target command, reading the FIFO of directory {@value #TARGET_CONTAINER}, within {@code timeoutSeconds}. */
  public static Command target(CommandContainer spec, long timeoutSeconds) {
    return new Command(TARGET_CONTAINER, TARGET_CONTAINER, spec, timeoutSeconds, TARGET_ROLE);
  }

  /**
   * The setup script: copies {@code source} (the image's busybox) to {@code bin}/busybox, and makes
   * {@code root}/NAME/out a FIFO any user can open (the command may run as another user than the agent).
   */
  public static String setupScript(String source, String bin, String root, List<String> dirs) {
    StringBuilder script = new StringBuilder("set -e; cp " + source + " " + bin + "/busybox; chmod 0555 " + bin + "/busybox");
    for (String dir : dirs) {
      script.append("; mkdir -p ").append(root).append('/').append(dir)
          .append("; mkfifo -m 0666 ").append(root).append('/').append(dir).append("/out");
    }
    return script.toString();
  }

  /** The command line of a command's container: busybox sh running {@link #WRAPPER}, then the user's words. */
  public static List<String> commandLine(String busybox, String role, String dir, long timeoutSeconds,
      List<String> userCommand) {
    List<String> line = new ArrayList<>(List.of(busybox, "sh", "-c", WRAPPER, role, busybox, dir,
        Long.toString(timeoutSeconds)));
    line.addAll(userCommand);
    return line;
  }

  /**
   * {@code job} with the user's commands beside its agent: the setup init container, one container
   * per command, the agent mounting the shared directories, and the emptyDirs. The commands take the
   * pod's security context (they run as the Job's user), have no privileges, a writable root
   * filesystem (an image's tools may need one), /tmp and HOME in an emptyDir, and by default the
   * agent's resources.
   */
  public static Job withCommands(Job job, List<Command> commands) {
    var pod = job.getSpec().getTemplate().getSpec();
    Container agent = pod.getContainers().get(0);
    VolumeMount dumps = new VolumeMountBuilder().withName(DUMPS_VOLUME).withMountPath(DUMPS_DIR).build();
    VolumeMount bin = new VolumeMountBuilder().withName(BIN_VOLUME).withMountPath(BIN_DIR).build();
    Container setup = new ContainerBuilder()
        .withName(SETUP_CONTAINER)
        .withImage(agent.getImage())
        .withCommand(IMAGE_BUSYBOX, "sh", "-c", setupScript(IMAGE_BUSYBOX, BIN_DIR, DUMPS_DIR,
            commands.stream().map(Command::dir).toList()))
        .withVolumeMounts(bin, dumps)
        .withResources(agent.getResources())
        .withSecurityContext(agent.getSecurityContext())
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
    List<Container> containers = new ArrayList<>();
    containers.add(new ContainerBuilder(agent).addToVolumeMounts(dumps).build());
    for (Command command : commands) {
      containers.add(container(command, agent));
    }
    List<Volume> volumes = new ArrayList<>(pod.getVolumes());
    for (String name : List.of(BIN_VOLUME, DUMPS_VOLUME, TMP_VOLUME)) {
      volumes.add(new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build());
    }
    List<Container> inits = new ArrayList<>(pod.getInitContainers() == null ? List.of() : pod.getInitContainers());
    inits.add(0, setup);
    return new JobBuilder(job).editSpec().editTemplate().editSpec()
        .withInitContainers(inits)
        .withContainers(containers)
        .withVolumes(volumes)
        .endSpec().endTemplate().endSpec().build();
  }

  /**
   * A backup Job with a container per dump, and, unless jobTemplate sets one, a deadline that leaves
   * every dump its whole timeout (they run one after another) on top of
   * {@link AgentJob#DEFAULT_DEADLINE_SECONDS} for the volumes.
   */
  public static Job withDumps(Job job, List<DumpSource> dumps, JobTemplate template) {
    if (dumps.isEmpty()) {
      return job;
    }
    Job withDumps = withCommands(job, dumps.stream().map(d -> dump(d.name, d, timeoutSeconds(d))).toList());
    if (template != null && template.activeDeadlineSeconds != null) {
      return withDumps;
    }
    long dumpSeconds = dumps.stream().mapToLong(CommandContainers::timeoutSeconds).sum() + DEADLINE_MARGIN_SECONDS;
    withDumps.getSpec().setActiveDeadlineSeconds(Math.max(withDumps.getSpec().getActiveDeadlineSeconds(),
        AgentJob.DEFAULT_DEADLINE_SECONDS + dumpSeconds));
    return withDumps;
  }

  public static long timeoutSeconds(DumpSource dump) {
    return dump.timeoutSeconds == null ? DumpSource.DEFAULT_TIMEOUT_SECONDS : dump.timeoutSeconds;
  }

  private static Container container(Command command, Container agent) {
    CommandContainer spec = command.spec();
    List<String> words = new ArrayList<>(spec.command);
    if (spec.args != null) {
      words.addAll(spec.args);
    }
    List<EnvVar> env = new ArrayList<>();
    if (spec.env == null || spec.env.stream().noneMatch(e -> "HOME".equals(e.getName()))) {
      // Many tools want a writable home; the image's, if it has one, may belong to another user.
      env.add(new EnvVar("HOME", "/tmp", null));
    }
    if (spec.env != null) {
      env.addAll(spec.env);
    }
    return new ContainerBuilder()
        .withName(command.container())
        .withImage(spec.image)
        .withCommand(commandLine(BUSYBOX, command.role(), dir(command.dir()), command.timeoutSeconds(), words))
        .withEnv(env)
        .withEnvFrom(spec.envFrom)
        .withVolumeMounts(
            new VolumeMountBuilder().withName(BIN_VOLUME).withMountPath(BIN_DIR).withReadOnly(true).build(),
            new VolumeMountBuilder().withName(DUMPS_VOLUME).withMountPath(DUMPS_DIR).build(),
            new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath("/tmp").build())
        .withResources(spec.resources != null ? spec.resources : agent.getResources())
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(userCommand())
        .build();
  }

  /**
   * The security context of a container running a user's command in a Lifeboat Job (a dump, a
   * restore target, a drill's check): no capabilities, no privilege escalation, the pod's user; the
   * root filesystem stays writable, since an image's own tools may need one.
   */
  public static SecurityContext userCommand() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().addToDrop("ALL").endCapabilities()
        .build();
  }
}
