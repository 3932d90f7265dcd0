package dev.lifeboat.common;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The identity and privileges of a Lifeboat Job's pod, in order of precedence: root with only the
 * capabilities ownership needs, where an administrator allowed privileged Jobs; the jobTemplate's
 * podSecurityContext; the identity of the pods using the claim; the image's non-root user.
 * Everything else stays locked down: read-only root filesystem, no privilege escalation. Pure.
 */
public final class JobSecurity {
  private JobSecurity() {}

  /**
   * As whom the Job runs.
   *
   * @param requested jobTemplate.podSecurityContext, or null
   * @param identity the claim users' identity ({@link JobIdentity}), or null
   * @param privileged the namespace allows privileged Jobs
   */
  public record RunAs(PodSecurityContext requested, PodSecurityContext identity, boolean privileged) {
    public static final RunAs DEFAULT = new RunAs(null, null, false);
  }

  public static PodSecurityContext pod(RunAs runAs) {
    PodSecurityContextBuilder security;
    if (runAs.privileged()) {
      security = new PodSecurityContextBuilder().withRunAsUser(0L).withRunAsGroup(0L).withRunAsNonRoot(false);
    } else {
      PodSecurityContext base = runAs.requested() != null ? runAs.requested() : runAs.identity();
      security = base == null ? new PodSecurityContextBuilder() : new PodSecurityContextBuilder(base);
      security.withRunAsNonRoot(true);
      if (base == null || base.getRunAsUser() == null) {
        security.withRunAsUser(AgentJob.DEFAULT_USER);
      }
      if (base == null) {
        // No app identity known: the image's group owns what the Job writes, so a restore can write into a
        // new claim, whose root belongs to root (the kubelet applies fsGroup to writable volumes only).
        security.withFsGroup(AgentJob.DEFAULT_USER);
      }
    }
    PodSecurityContext requested = runAs.requested();
    if (requested == null || requested.getSeccompProfile() == null) {
      security.withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
    }
    return security.build();
  }

  public static SecurityContext container(RunAs runAs) {
    SecurityContextBuilder security = new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(!runAs.privileged());
    return (runAs.privileged()
        ? security.withNewCapabilities().withDrop("ALL").withAdd(PrivilegedJobs.CAPABILITIES).endCapabilities()
        : security.withNewCapabilities().withDrop("ALL").endCapabilities()).build();
  }
}
