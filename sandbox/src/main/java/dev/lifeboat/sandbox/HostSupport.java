package dev.lifeboat.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this machine lets the sandbox do to run a container as its pod says, found out once per
 * JVM. As root, with util-linux {@code setpriv}: switch the process to the pod's uid, gid,
 * supplementary groups and capabilities. As root, with {@code unshare} and {@code mount} and the
 * right to make a mount namespace (CAP_SYS_ADMIN): give the process its own view of the
 * filesystem, with read-only mounts bound read-only and, for readOnlyRootFilesystem, the root
 * filesystem read-only except the pod's writable mounts. Otherwise the container runs as this
 * JVM's user, as before, and that is said once in the log.
 */
final class HostSupport {
  private static final Logger LOG = LoggerFactory.getLogger(HostSupport.class);
  private static volatile HostSupport host;

  /**
   * Runs in the new mount namespace before the container's command: its arguments are
   * {@code rw=PATH} (bind PATH onto itself, so it stays writable under a read-only root),
   * {@code ro=PATH} (bind it read-only), {@code rootfs=ro} (the root mount read-only), then
   * {@code --} and the command to exec. A mount that fails ends it with 125 and mount's message
   * in the container log, as a kubelet that cannot mount does not start the container.
   */
  static final String MOUNT_SCRIPT = """
      while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
        case "$1" in
          rw=*) mount --bind "${1#rw=}" "${1#rw=}" || exit 125 ;;
          ro=*) mount --bind "${1#ro=}" "${1#ro=}" && mount -o remount,bind,ro "${1#ro=}" || exit 125 ;;
          rootfs=ro) mount -o remount,bind,ro / || exit 125 ;;
        esac
        shift
      done
      shift
      exec "$@"
      """;

  /** The setpriv executable; null when the sandbox cannot switch users. */
  private final String setpriv;
  /** The unshare executable; null when the sandbox cannot give a process its own mounts. */
  private final String unshare;

  HostSupport(String setpriv, String unshare) {
    this.setpriv = setpriv;
    this.unshare = unshare;
  }

  /** This machine's support, probed (and logged) once. */
  static HostSupport host() {
    if (host == null) {
      synchronized (HostSupport.class) {
        if (host == null) {
          host = probe();
        }
      }
    }
    return host;
  }

  /** Containers run as this JVM's user, as before. */
  static HostSupport none() {
    return new HostSupport(null, null);
  }

  boolean switchesUsers() {
    return setpriv != null;
  }

  boolean isolatesMounts() {
    return unshare != null;
  }

  /**
   * The prefix that runs a command as {@code identity}, with its mounts: [unshare … sh -c
   * MOUNT_SCRIPT sh rw=… ro=… [rootfs=ro] --] setpriv … --. Empty when users are not switched.
   */
  List<String> prefix(PodIdentity identity, List<Path> writable, List<Path> readOnly, boolean readOnlyRoot) {
    List<String> prefix = new ArrayList<>();
    if (!switchesUsers()) {
      return prefix;
    }
    if (isolatesMounts() && (!readOnly.isEmpty() || readOnlyRoot)) {
      prefix.addAll(List.of(unshare, "--mount", "--propagation", "private", "--", "/bin/sh", "-c", MOUNT_SCRIPT, "sh"));
      if (readOnlyRoot) {
        writable.forEach(p -> prefix.add("rw=" + p));
      }
      readOnly.forEach(p -> prefix.add("ro=" + p));
      if (readOnlyRoot) {
        prefix.add("rootfs=ro");
      }
      prefix.add("--");
    }
    prefix.addAll(identity.setpriv(setpriv));
    return prefix;
  }

  private static HostSupport probe() {
    long uid = currentUid();
    if (uid != 0) {
      LOG.info("the sandbox runs as uid {}, not root: it cannot switch users, so every Job's container runs as uid {}"
          + " whatever its securityContext says (runAsUser, runAsGroup, fsGroup, supplementalGroups and capabilities"
          + " not honoured; read-only mounts not enforced)", uid, uid);
      return none();
    }
    String setpriv = executable("setpriv");
    if (setpriv == null || !runs(List.of(setpriv, "--reuid=" + PodIdentity.IMAGE_USER, "--regid=" + PodIdentity.IMAGE_GROUP,
        "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--", "/bin/sh", "-c", "exit 0"))) {
      LOG.warn("the sandbox runs as root but cannot run setpriv (util-linux) {}: every Job's container runs as root"
          + " whatever its securityContext says", setpriv == null ? "(not on the PATH)" : "(" + setpriv + " failed)");
      return none();
    }
    String unshare = executable("unshare");
    if (unshare != null && executable("mount") != null && mountsIsolated(unshare)) {
      LOG.info("the sandbox runs as root: Job containers run as their securityContext says, through {}, with their own"
          + " mount namespace (read-only mounts and readOnlyRootFilesystem enforced)", setpriv);
      return new HostSupport(setpriv, unshare);
    }
    LOG.info("the sandbox runs as root: Job containers run as their securityContext says, through {}; no mount"
        + " namespace could be made here (unshare --mount), so read-only mounts are not enforced", setpriv);
    return new HostSupport(setpriv, null);
  }

  /** Makes a namespace with a read-only bind and a read-only root, as a container's would be. */
  private static boolean mountsIsolated(String unshare) {
    Path probe = null;
    try {
      probe = Files.createTempDirectory("lifeboat-sandbox-mounts");
      Path writable = Files.createDirectory(probe.resolve("rw"));
      Path readOnly = Files.createDirectory(probe.resolve("ro"));
      List<String> command = new ArrayList<>(List.of(unshare, "--mount", "--propagation", "private", "--", "/bin/sh",
          "-c", MOUNT_SCRIPT, "sh", "rw=" + writable, "ro=" + readOnly, "rootfs=ro", "--", "/bin/sh", "-c",
          "touch \"$0/ok\" && ! touch \"$1/no\" 2>/dev/null", writable.toString(), readOnly.toString()));
      return runs(command) && Files.exists(writable.resolve("ok")) && !Files.exists(readOnly.resolve("no"));
    } catch (IOException e) {
      return false;
    } finally {
      if (probe != null) {
        try (var walk = Files.walk(probe)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // a probe directory left in the temp dir is harmless
        }
      }
    }
  }

  private static boolean runs(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String executable(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : (path + File.pathSeparator + "/usr/sbin:/sbin:/usr/bin:/bin").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return null;
  }

  /** This process's uid (the owner of /proc/self), -1 when it cannot be told. */
  static long currentUid() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }
}
