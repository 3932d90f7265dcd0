package dev.lifeboat.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

public class PodSecurityContextSchema {
  @JsonPropertyDescription("UID the agent runs as; must not be 0. Set it to the owner of the volume's files when they are not world-readable.")
  public Long runAsUser;

  @JsonPropertyDescription("Primary GID the agent runs as.")
  public Long runAsGroup;

  @JsonPropertyDescription("Always true for Lifeboat Jobs; setting false is rejected.")
  public Boolean runAsNonRoot;

  @JsonPropertyDescription("Supplementary group applied to the volumes (and the agent), so it can read group-readable files.")
  public Long fsGroup;

  @JsonPropertyDescription("OnRootMismatch or Always: when the kubelet changes volume ownership to fsGroup.")
  public String fsGroupChangePolicy;

  @JsonPropertyDescription("Further groups the agent's process belongs to.")
  public List<Long> supplementalGroups;

  @JsonPropertyDescription("Seccomp profile of the pod; defaults to RuntimeDefault.")
  public SeccompProfileSchema seccompProfile;
}
