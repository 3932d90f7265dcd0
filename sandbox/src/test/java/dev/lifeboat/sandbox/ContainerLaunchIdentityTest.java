package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container runs as its pod's security context says, as far as a local process can: the
 * identity resolved as the kubelet and runtime do (everywhere), and, only when the sandbox is
 * root, the process really switched (setpriv), fsGroup given to writable volumes only, Secret
 * files with their modes, read-only mounts and root filesystem (with a mount namespace).
 */
@EnableKubernetesMockClient(crud = true)
class ContainerLaunchIdentityTest {
  static final String NS = "rose";
  /** What the container reports: who it is, its capabilities, and what it could write and read. */
  static final String REPORT = """
      echo "uid=$(id -u) gid=$(id -g) groups=$(id -G | tr ' ' ',')"
      grep CapEff /proc/self/status
      touch "$1/new" && echo data-writable
      touch "$2/new" 2>/dev/null || echo config-not-writable
      touch "$3/new" && echo tmp-writable
      cat "$4" && echo " <- key"
      touch "$5/new" 2>/dev/null || echo elsewhere-not-writable
      """;
  KubernetesClient client;
  @TempDir
  Path state;

  @Test
  void theContainersRunAsUserAndGroupOverrideThePodsAndFsGroupAndSupplementalGroupsAreGroups() {
    PodSpec pod = new PodSpecBuilder().withNewSecurityContext().withRunAsUser(999L).withRunAsGroup(999L)
        .withFsGroup(2000L).withSupplementalGroups(3000L).endSecurityContext()
        .addToContainers(new ContainerBuilder().withName("agent").withNewSecurityContext().withRunAsUser(1000L)
            .endSecurityContext().build()).build();

    PodIdentity identity = PodIdentity.of(pod, pod.getContainers().get(0));

    assertThat(identity.uid()).isEqualTo(1000);
    assertThat(identity.gid()).isEqualTo(999);
    assertThat(identity.groups()).containsExactly(999L, 2000L, 3000L);
    assertThat(identity.fsGroup()).isEqualTo(2000);
  }

  @Test
  void withoutRunAsUserTheImagesUserRunsAndARunAsUserWithoutRunAsGroupGetsGroupZero() {
    Container agent = new ContainerBuilder().withName("agent").build();
    PodSpec none = new PodSpecBuilder().addToContainers(agent).build();
    PodSpec userOnly = new PodSpecBuilder().withNewSecurityContext().withRunAsUser(65532L).endSecurityContext()
        .addToContainers(agent).build();

    assertThat(PodIdentity.of(none, agent)).satisfies(i -> {
      assertThat(i.uid()).isEqualTo(65532);
      assertThat(i.gid()).isEqualTo(65532);
    });
    assertThat(PodIdentity.of(userOnly, agent)).satisfies(i -> {
      assertThat(i.uid()).isEqualTo(65532);
      assertThat(i.gid()).isZero();
      assertThat(i.groups()).containsExactly(0L);
    });
  }

  @Test
  void aPrivilegedJobIsRootWithOnlyTheCapabilitiesItAddsAndNoNewPrivileges() {
    PodSpec pod = privilegedPod();

    PodIdentity identity = PodIdentity.of(pod, pod.getContainers().get(0));

    assertThat(identity.setpriv("setpriv")).containsExactly("setpriv", "--reuid=0", "--regid=0", "--groups=0",
        "--inh-caps=-all", "--bounding-set=-all,+chown,+fowner,+dac_override", "--no-new-privs", "--");
    assertThat(PodIdentity.capabilities(null)).contains("NET_RAW", "KILL").hasSize(14);
  }

  @Test
  void asRootTheProcessRunsAsThePodSaysAndFsGroupReachesOnlyWritableVolumes() throws Exception {
    assumeRoot();
    Path data = appVolume("app-data");
    Path config = appVolume("app-config");
    Path elsewhere = Files.createDirectories(state.resolve("elsewhere"));
    VolumeOwnership.chmod(elsewhere, 0777);
    secret("backup-key", "key", "s3cr3t");
    ContainerLaunch launcher = new ContainerLaunch(client, state);
    PodSpec pod = new PodSpecBuilder()
        .withNewSecurityContext().withRunAsUser(999L).withRunAsGroup(999L).withFsGroup(2000L)
        .withSupplementalGroups(3000L).endSecurityContext()
        .addNewContainer().withName("agent").withImage("busybox")
        .withCommand("/bin/sh", "-c", REPORT, "sh", "/data", "/config", "/tmp", "/etc/key/key", elsewhere.toString())
        .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
        .addNewVolumeMount().withName("config").withMountPath("/config").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .addNewVolumeMount().withName("key").withMountPath("/etc/key").withReadOnly(true).endVolumeMount()
        .endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("app-data")
        .endPersistentVolumeClaim().endVolume()
        .addNewVolume().withName("config").withNewPersistentVolumeClaim().withClaimName("app-config")
        .endPersistentVolumeClaim().endVolume()
        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("key").withNewSecret().withSecretName("backup-key").addNewItem().withKey("key")
        .withPath("key").endItem().withDefaultMode(0400).endSecret().endVolume()
        .build();
    Path podDir = Files.createDirectories(state.resolve("pods").resolve(NS).resolve("agent-1"));

    ContainerLaunch.Launch launch = launcher.prepare(NS, pod, podDir);
    String output = run(launch);

    assertThat(output).contains("uid=999 gid=999 groups=").contains("CapEff:\t0000000000000000")
        .contains("data-writable").contains("tmp-writable").contains("s3cr3t <- key");
    assertThat(output.lines().filter(l -> l.startsWith("uid=")).findFirst().orElseThrow())
        .contains("999").contains("2000").contains("3000");
    // fsGroup on the writable volume, before the container started: group, g+rw, setgid directories.
    assertThat(gid(data)).isEqualTo(2000);
    assertThat(mode(data) & 02770).isEqualTo(02770);
    assertThat(gid(data.resolve("private.db"))).isEqualTo(2000);
    assertThat(mode(data.resolve("private.db"))).isEqualTo(0660);
    assertThat(gid(data.resolve("new"))).as("created under setgid: fsGroup's").isEqualTo(2000);
    assertThat(uid(data.resolve("new"))).isEqualTo(999);
    // Never on a read-only mount.
    assertThat(gid(config)).isZero();
    assertThat(mode(config.resolve("private.db"))).isEqualTo(0600);
    assertThat(gid(config.resolve("private.db"))).isZero();
    // The kubelet's files: emptyDir 0777 (+ fsGroup), termination log 0666, the Secret 0400 + fsGroup's read.
    Path emptyDir = podDir.resolve("emptydir-tmp");
    assertThat(mode(emptyDir)).isEqualTo(02777);
    assertThat(uid(emptyDir.resolve("new"))).isEqualTo(999);
    assertThat(mode(launch.terminationLog())).isEqualTo(0666);
    assertThat(mode(podDir.resolve("secret-key/key"))).isEqualTo(0440);
    assertThat(gid(podDir.resolve("secret-key/key"))).isEqualTo(2000);
    if (HostSupport.host().isolatesMounts()) {
      assertThat(output).as("a readOnly mount is read-only even where the uid could write").contains("config-not-writable");
      assertThat(config.resolve("new")).doesNotExist();
      if (Files.getFileStore(state).equals(Files.getFileStore(Path.of("/")))) {
        assertThat(output).as("readOnlyRootFilesystem").contains("elsewhere-not-writable");
        assertThat(elsewhere.resolve("new")).doesNotExist();
      }
    }
  }

  @Test
  void asRootASecretOfMode0400IsUnreadableToANonRootContainerWithoutFsGroupAsOnANode() throws Exception {
    assumeRoot();
    secret("backup-key", "key", "s3cr3t");
    PodSpec pod = new PodSpecBuilder().withNewSecurityContext().withRunAsUser(65532L).endSecurityContext()
        .addNewContainer().withName("agent").withImage("busybox").withCommand("/bin/cat", "/etc/key/key")
        .addNewVolumeMount().withName("key").withMountPath("/etc/key").withReadOnly(true).endVolumeMount()
        .endContainer()
        .addNewVolume().withName("key").withNewSecret().withSecretName("backup-key").addNewItem().withKey("key")
        .withPath("key").endItem().withDefaultMode(0400).endSecret().endVolume()
        .build();

    String output = run(new ContainerLaunch(client, state).prepare(NS, pod,
        Files.createDirectories(state.resolve("pods").resolve(NS).resolve("agent-2"))));

    assertThat(output).contains("Permission denied").doesNotContain("s3cr3t");
  }

  @Test
  void asRootAPrivilegedContainerStaysRootWithOnlyChownFownerAndDacOverride() throws Exception {
    assumeRoot();
    PodSpec pod = privilegedPod();
    pod.getContainers().get(0).setCommand(List.of("/bin/sh", "-c", "id -u; grep CapEff /proc/self/status"));

    String output = run(new ContainerLaunch(client, state).prepare(NS, pod,
        Files.createDirectories(state.resolve("pods").resolve(NS).resolve("agent-3"))));

    // CAP_CHOWN (0), CAP_DAC_OVERRIDE (1), CAP_FOWNER (3).
    assertThat(output).startsWith("0\n").contains("CapEff:\t000000000000000b");
  }

  @Test
  void whereUsersCannotBeSwitchedTheContainerRunsAsTheSandboxsOwnUserAsBefore() throws Exception {
    PodSpec pod = new PodSpecBuilder().withNewSecurityContext().withRunAsUser(999L).withFsGroup(2000L)
        .endSecurityContext()
        .addNewContainer().withName("agent").withImage("busybox").withCommand("/bin/cat", "/data/private.db")
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("app-data")
        .endPersistentVolumeClaim().endVolume().build();
    Path data = appVolume("app-data");
    int before = mode(data);

    ContainerLaunch.Launch launch = new ContainerLaunch(client, state, HostSupport.none()).prepare(NS, pod,
        Files.createDirectories(state.resolve("pods").resolve(NS).resolve("agent-4")));

    assertThat(launch.processCommand()).containsExactly("/bin/cat", data.resolve("private.db").toString());
    assertThat(launch.identity()).isNull();
    assertThat(launch.directory()).as("a command of an image: from /, the image's WORKDIR being unknown").isEqualTo(Path.of("/"));
    assertThat(mode(data)).as("no fsGroup applied").isEqualTo(before);
    assertThat(mode(data.resolve("private.db"))).isEqualTo(0600);
  }

  /** As JobSecurity writes a privileged Job's pod. */
  static PodSpec privilegedPod() {
    return new PodSpecBuilder().withNewSecurityContext().withRunAsUser(0L).withRunAsGroup(0L).withRunAsNonRoot(false)
        .endSecurityContext()
        .addNewContainer().withName("agent").withImage("busybox").withNewSecurityContext()
        .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true).withRunAsNonRoot(false)
        .withNewCapabilities().withDrop("ALL").withAdd("CHOWN", "FOWNER", "DAC_OVERRIDE").endCapabilities()
        .endSecurityContext().endContainer().build();
  }

  static void assumeRoot() {
    assumeTrue(HostSupport.currentUid() == 0, "the sandbox runs as uid " + HostSupport.currentUid()
        + ", not root: it cannot run containers as other users, so this is skipped (CI runs it as root)");
    assumeTrue(HostSupport.host().switchesUsers(), "root, but setpriv (util-linux) is missing or fails: skipped");
  }

  /** A PVC's directory as an app running as root left it: private.db 0600. */
  Path appVolume(String claim) throws Exception {
    Path volume = Files.createDirectories(ContainerLaunch.volumeDir(state, NS, claim));
    Files.writeString(volume.resolve("private.db"), "rows");
    VolumeOwnership.chmod(volume.resolve("private.db"), 0600);
    return volume;
  }

  /** Stored as the API server stores a Secret: in data, base64 (the CRUD mock of this test would keep stringData). */
  void secret(String name, String key, String value) {
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .endMetadata().addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))).build())
        .create();
  }

  /** Starts the launch as the runner does and returns its output. */
  static String run(ContainerLaunch.Launch launch) throws Exception {
    Process process = launch.processBuilder().redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return output;
  }

  static int mode(Path path) throws Exception {
    return VolumeOwnership.mode(path);
  }

  static long gid(Path path) throws Exception {
    return VolumeOwnership.gid(path);
  }

  static int uid(Path path) throws Exception {
    return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }
}
