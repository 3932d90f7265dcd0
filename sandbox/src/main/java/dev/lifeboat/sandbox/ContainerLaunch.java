package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a pod's container (init or regular) into a local process, as a kubelet would run it:
 * `lifeboat` becomes this JVM's own classpath, any other command runs with this machine's tools
 * (images are not pulled; a container without a command cannot run, {@link StartError}), its
 * environment is built and {@code $(VAR)} expanded as the kubelet does ({@link KubeletEnvironment}),
 * volumes become directories (a PVC is {@code <state>/volumes/<ns>/<claim>},
 * a mount with subPath is that path inside its volume's), Secret references become environment
 * values and files, and every path under a mount point in the command line is rewritten to the
 * directory standing in for it, wherever it starts a path ({@link #rewrite}; {@code /tmp} also
 * becomes the agent JVM's java.io.tmpdir; the image's helper {@value #HELPER} becomes this machine's
 * busybox when there is one). A container whose Secrets or ConfigMaps are not there is not started, and says why as a kubelet does ({@link #waitingFor}).
 * An exec into the container ({@link #prepareExec}) gets the same environment, mounts and identity.
 *
 * <p>When the sandbox runs as root ({@link HostSupport}), the container also runs as its pod says
 * ({@link PodIdentity}): its uid, gid, supplementary groups (fsGroup, supplementalGroups) and
 * capabilities, through setpriv, from a copy of the classpath any uid can read
 * ({@link AgentClasspath}); as a kubelet, the sandbox first gives the pod's writable volumes to
 * fsGroup ({@link VolumeOwnership}), its emptyDirs mode 0777, its Secret files their
 * defaultMode/mode (root-owned; with fsGroup, that group and g+r), and its termination log mode
 * 0666. With a mount namespace (root with CAP_SYS_ADMIN), read-only mounts (readOnly: true, a
 * read-only PVC volume source, Secret volumes) are bound read-only and readOnlyRootFilesystem
 * makes the rest of the host's root mount read-only, except the pod's writable mounts.
 *
 * <p>Not modelled: the container's own root filesystem (the process sees the host's files, with
 * the permissions its uid has there; other mounts than the root one, such as a tmpfs /tmp or
 * /dev/shm, stay writable under readOnlyRootFilesystem); without a mount namespace, read-only
 * mounts are not enforced, so a process running as a file's owner (or root with DAC_OVERRIDE)
 * could write into a readOnly mount; the image's /etc/passwd and /etc/group (a runAsUser without
 * runAsGroup gets gid 0, the image's groups are not added); seccomp, AppArmor/SELinux, resource
 * limits, the kubelet's runAsNonRoot check; when the sandbox is not root, no identity at all.
 */
final class ContainerLaunch {
  /**
   * A container ready to start: its command (paths rewritten) and environment; {@code prefix} runs
   * it as its pod says, in its mounts ({@link HostSupport#prefix}; empty when identities are not
   * honoured), from {@code directory} (null: the sandbox's own); {@code identity} null when not
   * honoured.
   */
  record Launch(List<String> command, Map<String, String> environment, Path terminationLog, List<String> prefix,
      Path directory, PodIdentity identity) {
    /** What the runner starts: the prefix, then the container's command. */
    List<String> processCommand() {
      List<String> all = new ArrayList<>(prefix);
      all.addAll(command);
      return all;
    }

    /** The process to start: {@link #processCommand}, from its directory, with exactly its environment. */
    ProcessBuilder processBuilder() {
      ProcessBuilder builder = new ProcessBuilder(processCommand());
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      builder.environment().clear();
      builder.environment().putAll(environment);
      return builder;
    }

    /** Stops a process started from a launch, with whatever it started, as a runtime kills a container's. */
    static void stop(Process process) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /**
   * Why a kubelet would not start the container yet: the container's waiting {@code reason} and
   * {@code message} (null when the kubelet shows none), and the Warning Event it records on the pod
   * ({@code eventReason}, {@code eventMessage}).
   */
  record Waiting(String reason, String message, String eventReason, String eventMessage) {}

  /**
   * What a runtime would fail to start (no command for an image the sandbox cannot pull, an
   * executable that is not on this machine): the container terminates with exit code 128,
   * reason {@code StartError}, and this message, as containerd reports it.
   */
  static final class StartError extends Exception {
    StartError(String message) {
      super(message, null, false, false);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ContainerLaunch.class);
  /**
   * The static busybox Lifeboat's image carries (Debian's busybox-static), which its init container
   * copies into the pod for dump and target containers. In the sandbox it is this machine's busybox,
   * when there is one ({@link #hostHelper}); else a container naming it cannot start (StartError).
   */
  static final String HELPER = "/usr/lib/lifeboat/busybox";
  static final String CONFIG_ERROR = "CreateContainerConfigError";
  static final String CONTAINER_CREATING = "ContainerCreating";

  private final KubernetesClient client;
  private final Path state;
  private final HostSupport host;
  private final AgentClasspath classpath;
  private final AtomicBoolean reachabilityChecked = new AtomicBoolean();
  /** Images already said, once each, to be stood in for by this machine's tools. */
  private final Set<String> imagesSeen = ConcurrentHashMap.newKeySet();
  /** What the agent's arguments become as it starts (the sandbox's S3 stand-in, {@link StandIns#redirect}). */
  private volatile UnaryOperator<List<String>> agentArguments = UnaryOperator.identity();
  /** The time-warped cluster clock agents run on; null when the cluster keeps the wall's time. */
  private volatile WarpedClock agentClock;

  ContainerLaunch(KubernetesClient client, Path state) {
    this(client, state, HostSupport.host());
  }

  ContainerLaunch(KubernetesClient client, Path state, HostSupport host) {
    this.client = client;
    this.state = state;
    this.host = host;
    this.classpath = new AgentClasspath(state.resolve("agent-classpath"), System.getProperty("java.class.path"));
  }

  /** Runs every agent on {@code cluster}'s time ({@link WarpedAgent}) rather than the wall's; null: the wall's. */
  void agentClock(WarpedClock cluster) {
    this.agentClock = cluster;
  }

  /** Passes every agent's arguments (without the leading {@code lifeboat}) through {@code change} as it starts. */
  void agentArguments(UnaryOperator<List<String>> change) {
    this.agentArguments = change;
  }

  /** The pod's first container, its volumes set up for it alone (tests of one container). */
  Launch prepare(String namespace, PodSpec pod, Path podDir) throws IOException, StartError {
    return prepare(namespace, pod, pod.getContainers().get(0), podDir, new HashSet<>());
  }

  /**
   * One of the pod's containers (init or regular), ready to start. {@code volumesSetUp} names the
   * pod's volumes already set up (by an earlier container of the same pod): as the kubelet sets
   * each volume up once per pod, they are not set up again (no second fsGroup pass over what an
   * init container wrote). Throws {@link StartError} when a runtime could not start it either.
   */
  Launch prepare(String namespace, PodSpec pod, Container container, Path podDir, Set<String> volumesSetUp)
      throws IOException, StartError {
    InContainer in = enter(namespace, pod, container, podDir, volumesSetUp);
    // As the kubelet: the file exists, empty, before the container starts.
    Files.write(in.terminationLog(), new byte[0]);
    List<String> given = KubeletEnvironment.commandLine(container, in.env());
    if (container.getCommand() == null || container.getCommand().isEmpty()) {
      throw new StartError("the sandbox cannot run image " + container.getImage() + "'s ENTRYPOINT"
          + (given.isEmpty() ? " and CMD" : "") + ": it does not pull images, so container " + container.getName()
          + " needs a command (args alone are given to the image's entrypoint, which is unknown here)");
    }
    return launch(namespace, in, container, given, podDir);
  }

  /**
   * {@code command} run "in" a running container of the pod, as {@code kubectl exec} runs it: the
   * container's environment, mounts, working directory and identity, as its own process has them.
   * The command is taken as given (a kubelet expands no {@code $(VAR)} in an exec's command). The
   * pod's volumes already there are used as they are (an exec sets nothing up again); a volume
   * the sandbox never set up (the pod of a Deployment, which runs no process) is set up as for a
   * container, a PVC's fsGroup included on the first exec into the pod (the kubelet applied it
   * when the pod started, which the sandbox plays no further). The environment is built from
   * the Secrets and ConfigMaps as they are now (a real container keeps those it started with).
   */
  Launch prepareExec(String namespace, PodSpec pod, Container container, Path podDir, List<String> command)
      throws IOException, StartError {
    Path claimsOwned = podDir.resolve("claims-owned");
    boolean started = Files.exists(claimsOwned);
    Set<String> setUp = new HashSet<>();
    for (Volume volume : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
      if ((volume.getPersistentVolumeClaim() != null && started) || Files.isDirectory(podVolumeDir(podDir, volume))) {
        setUp.add(volume.getName());
      }
    }
    Launch launch = launch(namespace, enter(namespace, pod, container, podDir, setUp), container,
        new ArrayList<>(command), podDir);
    if (!started) {
      Files.createDirectories(podDir);
      Files.writeString(claimsOwned, "");
    }
    return launch;
  }

  /**
   * What every process of a container sees, its own command or an exec: its mounts (mount path to
   * the directory standing in for it; writable and read-only ones), its environment (built by the
   * kubelet's rules, {@code env}, and as the process gets it, paths rewritten, {@code environment}),
   * its termination-log file and its identity (null when not honoured).
   */
  private record InContainer(Map<String, Path> mounts, List<Path> writable, List<Path> readOnly,
      Map<String, KubeletEnvironment.Value> env, Map<String, String> environment, Path terminationLog,
      PodIdentity identity) {}

  /** Sets the container's volumes up (those not in {@code volumesSetUp}) and builds what it sees. */
  private InContainer enter(String namespace, PodSpec pod, Container container, Path podDir, Set<String> volumesSetUp)
      throws IOException {
    boolean asPod = host.switchesUsers();
    PodIdentity identity = PodIdentity.of(pod, container);
    Path containerDir = containerDir(podDir, container.getName());
    Files.createDirectories(containerDir);
    if (asPod) {
      reachable(namespace, podDir);
      VolumeOwnership.chmod(containerDir.getParent(), 0755);
      VolumeOwnership.chmod(containerDir, 0755);
    }
    Map<String, Path> mounts = new LinkedHashMap<>();
    List<Path> writable = new ArrayList<>();
    List<Path> readOnly = new ArrayList<>();
    for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
      Volume volume = (pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()).stream()
          .filter(v -> v.getName().equals(mount.getName())).findFirst()
          .orElseThrow(() -> new IllegalStateException("volume " + mount.getName() + " is not defined"));
      Path volumePath = hostPath(namespace, volume, podDir, !volumesSetUp.contains(volume.getName()));
      if (volumesSetUp.add(volume.getName()) && asPod) {
        ownVolume(volume, volumePath, pod, identity);
      }
      Path path = subPath(volumePath, mount.getSubPath());
      mounts.put(mount.getMountPath(), path);
      (readOnly(volume, mount) ? readOnly : writable).add(path);
    }
    Path terminationLog = containerDir.resolve("termination-log");
    String terminationPath = container.getTerminationMessagePath() == null ? "/dev/termination-log"
        : container.getTerminationMessagePath();
    mounts.put(terminationPath, terminationLog);
    if (!Files.exists(terminationLog)) {
      Files.createFile(terminationLog);
    }
    if (asPod) {
      // Writable by any uid as root.
      VolumeOwnership.chmod(terminationLog, 0666);
      writable.add(terminationLog);
    }
    // Lifeboat's image ships a static busybox at HELPER: that file is this machine's busybox, wherever the
    // command line names it (as a program, or in a script's words), unless a volume is mounted over it.
    Path helper = hostHelper();
    if (helper != null) {
      mounts.putIfAbsent(HELPER, helper);
    }

    Map<String, KubeletEnvironment.Value> env;
    try {
      env = KubeletEnvironment.build(namespace, container, secretsAndConfigMaps(namespace));
    } catch (KubeletEnvironment.ConfigError e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    environment.put("LANG", "C.UTF-8");
    environment.put("LC_ALL", "C.UTF-8");
    environment.put("HOSTNAME", podDir.getFileName().toString());
    environment.put("HOME", "/");
    // Paths under a mount point become the directories standing in for them; a Secret's values are data.
    env.forEach((name, value) -> environment.put(name, value.fromSecret() ? value.value() : rewrite(value.value(), mounts)));
    return new InContainer(mounts, writable, readOnly, env, environment, terminationLog, asPod ? identity : null);
  }

  /**
   * The process for {@code given} (a command line as the container states it) in the container:
   * {@code lifeboat} becomes this JVM's classpath, any other program this machine's, every path
   * under a mount rewritten; its working directory; and, when identities are honoured, the prefix
   * that runs it as the pod says in its mounts.
   */
  private Launch launch(String namespace, InContainer in, Container container, List<String> given, Path podDir)
      throws IOException, StartError {
    boolean asPod = in.identity() != null;
    Map<String, Path> mounts = in.mounts();
    boolean agent = !given.isEmpty() && given.get(0).equals("lifeboat");
    List<String> command = new ArrayList<>();
    if (agent) {
      command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseSerialGC", "-Xmx96m"));
      if (mounts.containsKey("/tmp")) {
        // In the image /tmp is the pod's emptyDir: the JVM's temporary files (the agent's scratch dir) go there.
        command.add("-Djava.io.tmpdir=" + mounts.get("/tmp"));
      }
      command.addAll(List.of("-cp", asPod ? classpath.get() : System.getProperty("java.class.path")));
      WarpedClock cluster = agentClock;
      if (cluster == null) {
        command.add("dev.lifeboat.Main");
      } else {
        command.addAll(List.of(WarpedAgent.class.getName(), cluster.instant().toString(), String.valueOf(cluster.factor())));
      }
      given.remove(0);
      for (String arg : agentArguments.apply(given)) {
        command.add(rewrite(arg, mounts));
      }
    } else {
      if (imagesSeen.add(String.valueOf(container.getImage()))) {
        LOG.info("image {} is not pulled: the sandbox runs its containers' commands with this machine's tools"
            + " (first: container {} of pod {}/{})", container.getImage(), container.getName(), namespace,
            podDir.getFileName());
      }
      for (String arg : given) {
        command.add(rewrite(arg, mounts));
      }
      if (command.isEmpty()) {
        throw new StartError("no command given for container " + container.getName());
      }
      checkExecutable(command.get(0), in.environment().get("PATH"), container);
    }

    Path directory = asPod || !agent ? Path.of("/") : null;
    if (container.getWorkingDir() != null && !container.getWorkingDir().isEmpty()) {
      directory = workingDir(container.getWorkingDir(), mounts);
    }
    if (!asPod) {
      return new Launch(command, in.environment(), in.terminationLog(), List.of(), directory, null);
    }
    boolean readOnlyRoot = container.getSecurityContext() != null
        && Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem());
    return new Launch(command, in.environment(), in.terminationLog(),
        host.prefix(in.identity(), in.writable(), in.readOnly(), readOnlyRoot), directory, in.identity());
  }

  /** This machine's busybox standing in for the image's {@link #HELPER} ({@code busybox} on PATH, or /bin), or null. */
  static Path hostHelper() {
    String busybox = HostSupport.executable("busybox");
    return busybox == null ? null : Path.of(busybox);
  }

  /** Where the runner keeps one container's files: its log and its termination log. */
  static Path containerDir(Path podDir, String container) {
    return podDir.resolve("containers").resolve(container);
  }

  /**
   * Fails as the runtime would when the program is not there: a name without '/' is looked up on
   * the container's PATH (as runc does), a path is taken as it is; missing is a StartError.
   */
  private static void checkExecutable(String program, String path, Container container) throws StartError {
    if (program.contains("/")) {
      if (!Files.isRegularFile(Path.of(program)) || !Files.isExecutable(Path.of(program))) {
        throw notFound(program, "no such file or directory", container);
      }
      return;
    }
    for (String dir : (path == null ? "" : path).split(":")) {
      if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, program)) && Files.isExecutable(Path.of(dir, program))) {
        return;
      }
    }
    throw notFound(program, "executable file not found in $PATH", container);
  }

  private static StartError notFound(String program, String why, Container container) {
    return new StartError("failed to create containerd task: failed to create shim task: OCI runtime create failed:"
        + " runc create failed: unable to start container process: exec: \"" + program + "\": " + why + ": unknown"
        + " (the sandbox runs this machine's tools in place of image " + container.getImage() + ")");
  }

  /** workingDir through the mounts; a runtime creates it if missing, here only inside a mount. */
  private static Path workingDir(String workingDir, Map<String, Path> mounts) throws IOException, StartError {
    String rewritten = rewrite(workingDir, mounts);
    Path dir = Path.of(rewritten);
    if (Files.isDirectory(dir)) {
      return dir;
    }
    if (!rewritten.equals(workingDir)) {
      return Files.createDirectories(dir);
    }
    throw new StartError("chdir to cwd (\"" + workingDir + "\") set in config.json failed: no such file or directory"
        + " (the sandbox uses this machine's directories outside the pod's mounts)");
  }

  /**
   * Read-only as the kubelet mounts it: the mount says readOnly, or the PVC volume source does;
   * Secret volumes are always mounted read-only.
   */
  static boolean readOnly(Volume volume, VolumeMount mount) {
    return Boolean.TRUE.equals(mount.getReadOnly()) || volume.getSecret() != null
        || (volume.getPersistentVolumeClaim() != null && Boolean.TRUE.equals(volume.getPersistentVolumeClaim().getReadOnly()));
  }

  /**
   * What the kubelet does to a volume before the container starts, for the pod's fsGroup: a PVC
   * mounted writable (by no read-only volume source, and by at least one writable mount of this
   * container) and an emptyDir (created 0777) get fsGroup recursively ({@link VolumeOwnership});
   * a PVC mounted only read-only is never touched. A Secret volume, read-only, gets fsGroup with
   * read bits only, as the kubelet does, so a 0400 key is 0440 and readable through fsGroup.
   */
  private void ownVolume(Volume volume, Path path, PodSpec pod, PodIdentity identity) throws IOException {
    Long fsGroup = identity.fsGroup();
    if (volume.getEmptyDir() != null) {
      VolumeOwnership.chmod(path, 0777);
      if (fsGroup != null) {
        VolumeOwnership.apply(path, fsGroup, false, identity.fsGroupChangePolicy());
      }
    } else if (volume.getSecret() != null) {
      if (fsGroup != null) {
        VolumeOwnership.apply(path, fsGroup, true, null);
      }
    } else if (volume.getPersistentVolumeClaim() != null && fsGroup != null) {
      boolean writable = !Boolean.TRUE.equals(volume.getPersistentVolumeClaim().getReadOnly())
          && allContainers(pod).stream().flatMap(c -> c.getVolumeMounts() == null ? java.util.stream.Stream.empty()
              : c.getVolumeMounts().stream())
              .anyMatch(m -> m.getName().equals(volume.getName()) && !Boolean.TRUE.equals(m.getReadOnly()));
      if (writable) {
        VolumeOwnership.apply(path, fsGroup, false, identity.fsGroupChangePolicy());
      }
    }
  }

  /**
   * Lets any uid reach the pod's directory and the volumes: the state directory, {@code pods},
   * {@code pods/<ns>}, the pod's directory, {@code volumes} and {@code volumes/<ns>} get o+rx (a
   * JUnit temporary directory is 0700); a volume's own directory keeps its mode, as a PV's root
   * does. Directories above the state directory are not changed: once per sandbox, a warning
   * names the first that other users cannot pass, and whether the JVM itself is readable.
   */
  private void reachable(String namespace, Path podDir) throws IOException {
    Path root = state.toAbsolutePath();
    List<Path> dirs = new ArrayList<>(List.of(root, root.resolve("volumes"), root.resolve("volumes").resolve(namespace)));
    for (Path dir = podDir.toAbsolutePath(); dir.startsWith(root) && !dir.equals(root); dir = dir.getParent()) {
      dirs.add(dir);
    }
    for (Path dir : dirs) {
      Files.createDirectories(dir);
      int mode = VolumeOwnership.mode(dir);
      if ((mode & 0755) != 0755) {
        VolumeOwnership.chmod(dir, mode | 0755);
      }
    }
    if (reachabilityChecked.compareAndSet(false, true)) {
      for (Path path : List.of(root, Path.of(System.getProperty("java.home")))) {
        for (Path dir = path.getParent(); dir != null; dir = dir.getParent()) {
          if ((VolumeOwnership.mode(dir) & 0001) == 0) {
            LOG.warn("{} is mode {}: containers running as another uid cannot reach {}", dir,
                Integer.toOctalString(VolumeOwnership.mode(dir)), path);
            break;
          }
        }
      }
    }
  }

  /**
   * What keeps a kubelet from starting the pod's container now, in its words; empty when it can
   * start. Volumes come first, as on a node: a Secret volume whose Secret or item key does not
   * exist cannot be mounted, so the container stays {@code ContainerCreating} (no message) and the
   * pod gets {@code FailedMount} Events. Then the environment: an {@code envFrom} secretRef or an
   * env secretKeyRef naming a missing Secret or key is {@code CreateContainerConfigError} with
   * {@code secret "NAME" not found} or {@code couldn't find key KEY in Secret NS/NAME}. Optional
   * references are skipped. The caller checks again until the container can start, so a Secret
   * created later lets it start, as on a real node.
   */
  Optional<Waiting> waitingFor(String namespace, PodSpec pod) {
    Optional<Waiting> volumes = volumesWaiting(namespace, pod);
    if (volumes.isPresent()) {
      return volumes;
    }
    Container container = allContainers(pod).get(0);
    return waitingFor(namespace, container);
  }

  /** A Secret volume of the pod that cannot be mounted: ContainerCreating, with FailedMount Events. */
  Optional<Waiting> volumesWaiting(String namespace, PodSpec pod) {
    for (Volume volume : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
      var source = volume.getSecret();
      if (source == null || Boolean.TRUE.equals(source.getOptional())) {
        continue;
      }
      Optional<Map<String, String>> data = findSecret(namespace, source.getSecretName());
      String problem = data.isEmpty() ? "secret \"" + source.getSecretName() + "\" not found"
          : (source.getItems() == null ? List.<io.fabric8.kubernetes.api.model.KeyToPath>of() : source.getItems()).stream()
              .filter(item -> !data.get().containsKey(item.getKey()))
              .map(item -> "references non-existent secret key: " + item.getKey()).findFirst().orElse(null);
      if (problem != null) {
        return Optional.of(new Waiting(CONTAINER_CREATING, null, "FailedMount",
            "MountVolume.SetUp failed for volume \"" + volume.getName() + "\" : " + problem));
      }
    }
    return Optional.empty();
  }

  /**
   * What keeps {@code container} from starting once the pod's volumes are set up: its environment
   * cannot be built ({@link KubeletEnvironment}), a {@code CreateContainerConfigError}.
   */
  Optional<Waiting> waitingFor(String namespace, PodSpec pod, Container container) {
    Optional<Waiting> volumes = volumesWaiting(namespace, pod);
    return volumes.isPresent() ? volumes : waitingFor(namespace, container);
  }

  private Optional<Waiting> waitingFor(String namespace, Container container) {
    try {
      KubeletEnvironment.build(namespace, container, secretsAndConfigMaps(namespace));
      return Optional.empty();
    } catch (KubeletEnvironment.ConfigError e) {
      return Optional.of(configError(e.getMessage()));
    }
  }

  /** The pod's init containers, then its containers: the order a kubelet starts them in. */
  static List<Container> allContainers(PodSpec pod) {
    List<Container> all = new ArrayList<>(pod.getInitContainers() == null ? List.of() : pod.getInitContainers());
    all.addAll(pod.getContainers());
    return all;
  }

  private static Waiting configError(String message) {
    return new Waiting(CONFIG_ERROR, message, "Failed", "Error: " + message);
  }

  private Path hostPath(String namespace, Volume volume, Path podDir, boolean setUp) throws IOException {
    if (volume.getPersistentVolumeClaim() != null) {
      return Files.createDirectories(volumeDir(state, namespace, volume.getPersistentVolumeClaim().getClaimName()));
    }
    if (volume.getSecret() != null) {
      Path dir = Files.createDirectories(podVolumeDir(podDir, volume));
      if (!setUp) {
        return dir;
      }
      var source = volume.getSecret();
      // As the kubelet writes them when containers run as their pods say: root's files, mode from the volume.
      int defaultMode = source.getDefaultMode() != null ? source.getDefaultMode() : 0644;
      // An optional volume mounts what there is: nothing for a missing Secret, no file for a missing key.
      Map<String, String> data = findSecret(namespace, source.getSecretName()).orElse(Map.of());
      if (source.getItems() != null && !source.getItems().isEmpty()) {
        for (var item : source.getItems()) {
          if (!data.containsKey(item.getKey()) && Boolean.TRUE.equals(source.getOptional())) {
            continue;
          }
          Path file = dir.resolve(item.getPath());
          Files.writeString(file, secretValue(namespace, source.getSecretName(), item.getKey()),
              StandardCharsets.ISO_8859_1);
          secretMode(file, item.getMode() != null ? item.getMode() : defaultMode);
        }
      } else {
        for (var entry : data.entrySet()) {
          Path file = dir.resolve(entry.getKey());
          Files.writeString(file, entry.getValue(), StandardCharsets.ISO_8859_1);
          secretMode(file, defaultMode);
        }
      }
      return dir;
    }
    return Files.createDirectories(podVolumeDir(podDir, volume));
  }

  /** Where a volume of the pod's own (a Secret's files, an emptyDir) is: {@code <podDir>/secret-NAME}, {@code emptydir-NAME}. */
  private static Path podVolumeDir(Path podDir, Volume volume) {
    return podDir.resolve((volume.getSecret() != null ? "secret-" : "emptydir-") + volume.getName());
  }

  private void secretMode(Path file, int mode) throws IOException {
    if (host.switchesUsers()) {
      VolumeOwnership.chmod(file, mode & 0777);
    }
  }

  /**
   * The host path of a mount with {@code subPath}: that path inside the volume, created as a
   * directory if missing, as the kubelet does. Like the kubelet, refuses a subPath that could
   * leave the volume (absolute, or with a {@code ..} segment).
   */
  static Path subPath(Path volume, String subPath) throws IOException {
    if (subPath == null || subPath.isEmpty()) {
      return volume;
    }
    if (subPath.startsWith("/") || Arrays.asList(subPath.split("/")).contains("..")) {
      throw new IllegalStateException("volumeMount subPath " + subPath
          + " must be a relative path without '..' segments");
    }
    Path path = volume.resolve(subPath);
    return Files.exists(path) ? path : Files.createDirectories(path);
  }

  /** Where the sandbox keeps a PVC's data. */
  static Path volumeDir(Path state, String namespace, String claim) {
    return state.resolve("volumes").resolve(namespace).resolve(claim);
  }

  /**
   * {@code text} with every mount path in it replaced by the directory standing in for it, as the
   * container would see that directory there: wherever a mount path starts a path (at the start, or
   * after a character that cannot be in a path, such as '=', ':', a space or a quote: a shell
   * script's words are rewritten too) and ends one (at the end, at '/', or before such a
   * character). The longest mount path wins, so a mount inside another's path is its own.
   */
  static String rewrite(String text, Map<String, Path> mounts) {
    List<String> paths = mounts.keySet().stream().filter(p -> p.startsWith("/") && p.length() > 1)
        .sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    scan:
    while (i < text.length()) {
      if (text.charAt(i) == '/' && (i == 0 || !pathChar(text.charAt(i - 1)))) {
        for (String path : paths) {
          String bare = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
          int end = i + bare.length();
          if (text.startsWith(bare, i) && (end == text.length() || text.charAt(end) == '/' || !pathChar(text.charAt(end)))) {
            out.append(mounts.get(path));
            i = end;
            continue scan;
          }
        }
      }
      out.append(text.charAt(i++));
    }
    return out.toString();
  }

  /** A character that can continue a path word: letters, digits, '.', '_', '-', '~', '/'. */
  private static boolean pathChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == '~' || c == '/';
  }

  /** Secrets and ConfigMaps of {@code namespace} through the API, for the kubelet's environment. */
  private KubeletEnvironment.Source secretsAndConfigMaps(String namespace) {
    return new KubeletEnvironment.Source() {
      @Override
      public Optional<Map<String, String>> secret(String name) {
        return findSecret(namespace, name);
      }

      @Override
      public Optional<Map<String, String>> configMap(String name) {
        var configMap = client.configMaps().inNamespace(namespace).withName(name).get();
        return configMap == null ? Optional.empty()
            : Optional.of(configMap.getData() == null ? Map.of() : new LinkedHashMap<>(configMap.getData()));
      }
    };
  }

  private String secretValue(String namespace, String name, String key) {
    String value = secretData(namespace, name).get(key);
    if (value == null) {
      throw new IllegalStateException("Secret " + namespace + "/" + name + " has no key " + key);
    }
    return value;
  }

  private Map<String, String> secretData(String namespace, String name) {
    return findSecret(namespace, name)
        .orElseThrow(() -> new IllegalStateException("Secret " + namespace + "/" + name + " not found"));
  }

  /** Secret data as the container sees it (the API server keeps no stringData: {@link SecretDataDispatcher}). */
  private Optional<Map<String, String>> findSecret(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return Optional.empty();
    }
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.ISO_8859_1)));
    }
    return Optional.of(data);
  }
}
