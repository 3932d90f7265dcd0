package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * As whom a pod's container runs, resolved as the kubelet and a CRI runtime (containerd) resolve
 * the security context: the container's runAsUser/runAsGroup over the pod's; without runAsUser the
 * image's USER, taken to be Lifeboat's image's ({@code 65532:65532}, see the Dockerfile) for every
 * image, since the sandbox reads no image; a runAsUser without runAsGroup gets gid 0, as a runtime gives a uid that the
 * image's /etc/passwd does not list (the image's passwd and group files are not read). The
 * supplementary groups are the primary gid, fsGroup and supplementalGroups. Capabilities: the
 * runtime's default set, minus {@code drop} ({@code ALL} empties it), plus {@code add}; they only
 * matter to a process that stays root, since a non-root process has none in effect.
 *
 * @param fsGroup the pod's fsGroup, applied to its writable volumes before the container starts
 * @param fsGroupChangePolicy {@code OnRootMismatch} or {@code Always} (null: Always)
 */
record PodIdentity(long uid, long gid, List<Long> groups, List<String> capabilities, boolean noNewPrivileges,
    Long fsGroup, String fsGroupChangePolicy) {
  /** The USER of Lifeboat's image ({@code USER 65532:65532} in the Dockerfile). */
  static final long IMAGE_USER = 65532L;
  static final long IMAGE_GROUP = 65532L;
  /** containerd's default capabilities of a container (CRI-O's are a subset). */
  static final List<String> RUNTIME_DEFAULT_CAPABILITIES = List.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER",
      "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",
      "AUDIT_WRITE");

  static PodIdentity of(PodSpec pod, Container container) {
    PodSecurityContext podLevel = pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
    SecurityContext own = container.getSecurityContext() == null ? new SecurityContext() : container.getSecurityContext();
    Long user = own.getRunAsUser() != null ? own.getRunAsUser() : podLevel.getRunAsUser();
    Long group = own.getRunAsGroup() != null ? own.getRunAsGroup() : podLevel.getRunAsGroup();
    long uid = user != null ? user : IMAGE_USER;
    long gid = group != null ? group : user == null ? IMAGE_GROUP : 0L;
    Set<Long> groups = new LinkedHashSet<>();
    groups.add(gid);
    if (podLevel.getFsGroup() != null) {
      groups.add(podLevel.getFsGroup());
    }
    if (podLevel.getSupplementalGroups() != null) {
      groups.addAll(podLevel.getSupplementalGroups());
    }
    return new PodIdentity(uid, gid, List.copyOf(groups), capabilities(own.getCapabilities()),
        Boolean.FALSE.equals(own.getAllowPrivilegeEscalation()), podLevel.getFsGroup(),
        podLevel.getFsGroupChangePolicy());
  }

  static List<String> capabilities(Capabilities requested) {
    Set<String> caps = new LinkedHashSet<>(RUNTIME_DEFAULT_CAPABILITIES);
    if (requested != null && requested.getDrop() != null) {
      List<String> drop = requested.getDrop().stream().map(PodIdentity::capability).toList();
      if (drop.contains("ALL")) {
        caps.clear();
      } else {
        caps.removeAll(drop);
      }
    }
    if (requested != null && requested.getAdd() != null) {
      requested.getAdd().stream().map(PodIdentity::capability).filter(c -> !c.equals("ALL")).forEach(caps::add);
    }
    return List.copyOf(caps);
  }

  /** "NET_RAW", "CAP_NET_RAW", "net_raw" all name NET_RAW. */
  private static String capability(String name) {
    String upper = name.trim().toUpperCase(Locale.ROOT);
    return upper.startsWith("CAP_") ? upper.substring(4) : upper;
  }

  boolean root() {
    return uid == 0;
  }

  /**
   * The util-linux setpriv(1) prefix that runs a command as this identity, from a root parent: the
   * uid, gid and supplementary groups; an empty inheritable set and a bounding set of only this
   * identity's capabilities, so a root container execs with exactly those (permitted = effective
   * = bounding for uid 0) and a non-root one with none; no_new_privs for
   * allowPrivilegeEscalation: false.
   */
  List<String> setpriv(String setpriv) {
    List<String> command = new ArrayList<>(List.of(setpriv, "--reuid=" + uid, "--regid=" + gid));
    command.add(groups.isEmpty() ? "--clear-groups"
        : "--groups=" + groups.stream().map(String::valueOf).collect(Collectors.joining(",")));
    command.add("--inh-caps=-all");
    command.add("--bounding-set=-all" + capabilities.stream().map(c -> ",+" + c.toLowerCase(Locale.ROOT))
        .collect(Collectors.joining()));
    if (noNewPrivileges) {
      command.add("--no-new-privs");
    }
    command.add("--");
    return command;
  }

  /** For logs: "uid 999, gid 999, groups [999], capabilities []". */
  @Override
  public String toString() {
    return "uid " + uid + ", gid " + gid + ", groups " + groups + (root() ? ", capabilities " + capabilities : "");
  }
}
