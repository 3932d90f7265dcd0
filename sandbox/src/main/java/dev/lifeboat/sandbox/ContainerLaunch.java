package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a pod's container into a local process, as a kubelet would run it: `lifeboat` becomes this
 * JVM's own classpath, volumes become directories (a PVC is {@code <state>/volumes/<ns>/<claim>},
 * a mount with subPath is that path inside its volume's), Secret references become environment
 * values and files, and every path under a mount point in the command line is rewritten to the
 * directory standing in for it. A container whose Secrets are not there is not started, and says
 * why as a kubelet does ({@link #waitingFor}).
 */
final class ContainerLaunch {
  record Launch(List<String> command, Map<String, String> environment, Path terminationLog) {}

  /**
   * Why a kubelet would not start the container yet: the container's waiting {@code reason} and
   * {@code message} (null when the kubelet shows none), and the Warning Event it records on the pod
   * ({@code eventReason}, {@code eventMessage}).
   */
  record Waiting(String reason, String message, String eventReason, String eventMessage) {}

  static final String CONFIG_ERROR = "CreateContainerConfigError";
  static final String CONTAINER_CREATING = "ContainerCreating";

  private final KubernetesClient client;
  private final Path state;

  ContainerLaunch(KubernetesClient client, Path state) {
    this.client = client;
    this.state = state;
  }

  Launch prepare(String namespace, PodSpec pod, Path podDir) throws IOException {
    Container container = pod.getContainers().get(0);
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
          .orElseThrow(() -> new IllegalStateException("volume " + mount.getName() + " is not defined"));
      mounts.put(mount.getMountPath(), subPath(hostPath(namespace, volume, podDir), mount.getSubPath()));
    }
    Path terminationLog = podDir.resolve("termination-log");
    String terminationPath = container.getTerminationMessagePath() == null ? "/dev/termination-log"
        : container.getTerminationMessagePath();
    mounts.put(terminationPath, terminationLog);

    List<String> command = new ArrayList<>();
    List<String> given = new ArrayList<>(container.getCommand() == null ? List.of() : container.getCommand());
    given.addAll(container.getArgs() == null ? List.of() : container.getArgs());
    if (!given.isEmpty() && given.get(0).equals("lifeboat")) {
      command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseSerialGC", "-Xmx96m", "-cp", System.getProperty("java.class.path"), "dev.lifeboat.Main"));
      given.remove(0);
    }
    for (String arg : given) {
      command.add(rewrite(arg, mounts));
    }

    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    environment.put("LANG", "C.UTF-8");
    environment.put("LC_ALL", "C.UTF-8");
    for (EnvVar env : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      if (env.getValue() != null) {
        environment.put(env.getName(), rewrite(env.getValue(), mounts));
      } else if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
        var ref = env.getValueFrom().getSecretKeyRef();
        environment.put(env.getName(), secretValue(namespace, ref.getName(), ref.getKey()));
      }
    }
    return new Launch(command, environment, terminationLog);
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
    Container container = pod.getContainers().get(0);
    for (EnvFromSource from : container.getEnvFrom() == null ? List.<EnvFromSource>of() : container.getEnvFrom()) {
      var ref = from.getSecretRef();
      if (ref != null && !Boolean.TRUE.equals(ref.getOptional()) && findSecret(namespace, ref.getName()).isEmpty()) {
        return Optional.of(configError("secret \"" + ref.getName() + "\" not found"));
      }
    }
    for (EnvVar env : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      var ref = env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
      if (ref == null || Boolean.TRUE.equals(ref.getOptional())) {
        continue;
      }
      Optional<Map<String, String>> data = findSecret(namespace, ref.getName());
      if (data.isEmpty()) {
        return Optional.of(configError("secret \"" + ref.getName() + "\" not found"));
      }
      if (!data.get().containsKey(ref.getKey())) {
        return Optional.of(configError("couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName()));
      }
    }
    return Optional.empty();
  }

  private static Waiting configError(String message) {
    return new Waiting(CONFIG_ERROR, message, "Failed", "Error: " + message);
  }

  private Path hostPath(String namespace, Volume volume, Path podDir) throws IOException {
    if (volume.getPersistentVolumeClaim() != null) {
      return Files.createDirectories(volumeDir(state, namespace, volume.getPersistentVolumeClaim().getClaimName()));
    }
    if (volume.getSecret() != null) {
      Path dir = Files.createDirectories(podDir.resolve("secret-" + volume.getName()));
      var source = volume.getSecret();
      if (source.getItems() != null && !source.getItems().isEmpty()) {
        for (var item : source.getItems()) {
          Files.writeString(dir.resolve(item.getPath()), secretValue(namespace, source.getSecretName(), item.getKey()),
              StandardCharsets.ISO_8859_1);
        }
      } else {
        for (var entry : secretData(namespace, source.getSecretName()).entrySet()) {
          Files.writeString(dir.resolve(entry.getKey()), entry.getValue(), StandardCharsets.ISO_8859_1);
        }
      }
      return dir;
    }
    return Files.createDirectories(podDir.resolve("emptydir-" + volume.getName()));
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

  private static String rewrite(String arg, Map<String, Path> mounts) {
    for (var mount : mounts.entrySet()) {
      String path = mount.getKey();
      int at = arg.indexOf(path);
      boolean startsAtBoundary = at == 0 || (at > 0 && arg.charAt(at - 1) == '=');
      boolean endsAtBoundary = at >= 0 && (at + path.length() == arg.length() || arg.charAt(at + path.length()) == '/');
      if (at >= 0 && startsAtBoundary && endsAtBoundary) {
        return arg.substring(0, at) + mount.getValue() + arg.substring(at + path.length());
      }
    }
    return arg;
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

  /** Secret data as the container sees it; stringData too, since the stand-in API server does not merge it. */
  private Optional<Map<String, String>> findSecret(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return Optional.empty();
    }
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.ISO_8859_1)));
    }
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    return Optional.of(data);
  }
}
