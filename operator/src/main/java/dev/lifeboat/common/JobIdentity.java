package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * As whom a Job that mounts a claim runs: the identity the app's pods set explicitly for the
 * containers that mount it (runAsUser, runAsGroup, fsGroup, supplementalGroups), so the Job reads
 * what the app can read and what it restores belongs to the app. Root (0) is never copied. Pure.
 */
public final class JobIdentity {
  private JobIdentity() {}

  /**
   * The identity and where it came from ("pod rose-7d9f"); {@code identity} is null when the pods
   * set none, and then the Job runs as the image's default user.
   */
  public record Found(PodSecurityContext identity, String source) {
    public static final Found NONE = new Found(null, null);

    /** For messages: "uid 999, gid 999, fsGroup 999 (from pod rose-7d9f)". */
    public String describe() {
      return identity == null ? "the image's default user (uid " + AgentJob.DEFAULT_USER + ")"
          : fields() + " (from " + source + ")";
    }

    /** "uid 999, gid 999, fsGroup 999". */
    String fields() {
      List<String> parts = new ArrayList<>();
      if (identity.getRunAsUser() != null) {
        parts.add("uid " + identity.getRunAsUser());
      }
      if (identity.getRunAsGroup() != null) {
        parts.add("gid " + identity.getRunAsGroup());
      }
      if (identity.getFsGroup() != null) {
        parts.add("fsGroup " + identity.getFsGroup());
      }
      if (identity.getSupplementalGroups() != null && !identity.getSupplementalGroups().isEmpty()) {
        parts.add("supplementalGroups " + identity.getSupplementalGroups());
      }
      return String.join(", ", parts);
    }
  }

  /**
   * The identity the given pods (or pod templates), by name, give the containers that mount
   * {@code claim}; a problem naming them when they disagree.
   */
  public static Checked<Found> of(Map<String, PodSpec> users, String claim) {
    Map<PodSecurityContext, String> firstUser = new LinkedHashMap<>();
    List<String> seen = new ArrayList<>();
    users.forEach((name, pod) -> {
      for (PodSecurityContext identity : identities(pod, claim)) {
        if (!empty(identity) && firstUser.putIfAbsent(identity, name) == null) {
          seen.add(name + ": " + new Found(identity, name).fields());
        }
      }
    });
    if (firstUser.isEmpty()) {
      return Checked.of(Found.NONE);
    }
    if (firstUser.size() > 1) {
      return Checked.problem(Reasons.PODS_DISAGREE, "the pods using PersistentVolumeClaim " + claim
          + " run as different users (" + String.join("; ", seen) + "); the Job runs as uid "
          + AgentJob.DEFAULT_USER + ": set jobTemplate.podSecurityContext to choose");
    }
    var only = firstUser.entrySet().iterator().next();
    return Checked.of(new Found(only.getKey(), only.getValue()));
  }

  /**
   * Says in a condition as whom the Jobs run, so a user sees why files were or were not readable
   * and what restored files will belong to.
   *
   * @param requested jobTemplate.podSecurityContext, which wins over the users' identity
   */
  public static void report(ConditionWriter conditions, Checked<Found> identity, PodSecurityContext requested,
      boolean privileged, String jobs) {
    if (privileged) {
      conditions.set(ConditionTypes.IDENTITY_RESOLVED, true, Reasons.PRIVILEGED, jobs + " run as root with "
          + String.join(", ", PrivilegedJobs.CAPABILITIES) + " (the namespace allows privileged Jobs)");
    } else if (requested != null) {
      conditions.set(ConditionTypes.IDENTITY_RESOLVED, true, Reasons.FROM_JOB_TEMPLATE, jobs
          + " run as set in jobTemplate.podSecurityContext");
    } else if (!identity.ok()) {
      conditions.set(ConditionTypes.IDENTITY_RESOLVED, identity.problem());
    } else {
      conditions.set(ConditionTypes.IDENTITY_RESOLVED, true, identity.value().identity() == null ? Reasons.DEFAULT_IDENTITY
          : Reasons.FROM_PODS, jobs + " run as " + identity.value().describe());
    }
  }

  /** One identity per container that mounts the claim: its own runAsUser/runAsGroup over the pod's. */
  static List<PodSecurityContext> identities(PodSpec pod, String claim) {
    String volume = pod.getVolumes() == null ? null : pod.getVolumes().stream()
        .filter(v -> v.getPersistentVolumeClaim() != null && claim.equals(v.getPersistentVolumeClaim().getClaimName()))
        .map(v -> v.getName()).findFirst().orElse(null);
    if (volume == null) {
      return List.of();
    }
    PodSecurityContext podLevel = pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
    List<Container> containers = new ArrayList<>();
    if (pod.getInitContainers() != null) {
      containers.addAll(pod.getInitContainers());
    }
    if (pod.getContainers() != null) {
      containers.addAll(pod.getContainers());
    }
    return containers.stream()
        .filter(c -> c.getVolumeMounts() != null && c.getVolumeMounts().stream().anyMatch(m -> volume.equals(m.getName())))
        .map(c -> {
          SecurityContext own = c.getSecurityContext();
          Long user = own != null && own.getRunAsUser() != null ? own.getRunAsUser() : podLevel.getRunAsUser();
          Long group = own != null && own.getRunAsGroup() != null ? own.getRunAsGroup() : podLevel.getRunAsGroup();
          return new PodSecurityContextBuilder()
              .withRunAsUser(notRoot(user))
              .withRunAsGroup(notRoot(group))
              .withFsGroup(podLevel.getFsGroup())
              .withSupplementalGroups(podLevel.getSupplementalGroups() == null || podLevel.getSupplementalGroups().isEmpty()
                  ? null : podLevel.getSupplementalGroups())
              .build();
        })
        .collect(Collectors.toList());
  }

  private static Long notRoot(Long id) {
    return Objects.equals(id, 0L) ? null : id;
  }

  private static boolean empty(PodSecurityContext identity) {
    return identity.getRunAsUser() == null && identity.getRunAsGroup() == null && identity.getFsGroup() == null
        && (identity.getSupplementalGroups() == null || identity.getSupplementalGroups().isEmpty());
  }
}
