package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.Container;
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

/**
 * Turns a pod's container into a local process, as a kubelet would run it: `lifeboat` becomes this
 * JVM's own classpath, volumes become directories (a PVC is {@code <state>/volumes/<ns>/<claim>},
 * a mount with subPath is that path inside its volume's), Secret references become environment
 * values and files, and every path under a mount point in the command line is rewritten to the
 * directory standing in for it.
 */
final class ContainerLaunch {
  record Launch(List<String> command, Map<String, String> environment, Path terminationLog) {}

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

  /** Secret data as the container sees it; stringData too, since the stand-in API server does not merge it. */
  private Map<String, String> secretData(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new IllegalStateException("Secret " + namespace + "/" + name + " not found");
    }
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.ISO_8859_1)));
    }
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    return data;
  }
}
