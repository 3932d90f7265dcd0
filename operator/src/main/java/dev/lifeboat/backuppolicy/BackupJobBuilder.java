package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicySpec;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.S3Destination;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Computes the desired backup Job of one run. Pure: everything it needs is passed in, so it is
 * tested without a cluster. The agent command line it writes is the public one of SPEC §3.
 */
public final class BackupJobBuilder {
  public static final String DATA_ROOT = "/data";
  public static final String ENCRYPTION_KEY_DIR = "/etc/lifeboat/encryption";
  public static final String TERMINATION_LOG = "/dev/termination-log";
  /** The image's non-root user; used unless jobTemplate.podSecurityContext names another. */
  public static final long DEFAULT_USER = 65532L;
  static final int DEFAULT_BACKOFF_LIMIT = 2;

  private final String agentImage;

  public BackupJobBuilder(String agentImage) {
    this.agentImage = agentImage;
  }

  public Job build(BackupPolicy policy, RunPlanner.Run run, ClaimResolver.Claims claims, List<String> pins) {
    BackupPolicySpec spec = policy.getSpec();
    String name = policy.getMetadata().getName();
    JobTemplate template = spec.jobTemplate == null ? new JobTemplate() : spec.jobTemplate;
    Map<String, String> labels = labels(name);

    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    for (String claim : claims.names()) {
      volumes.add(new VolumeBuilder().withName(volumeName(claim))
          .withNewPersistentVolumeClaim(claim, true).build());
      mounts.add(new VolumeMountBuilder().withName(volumeName(claim)).withMountPath(DATA_ROOT + "/" + claim)
          .withReadOnly(true).build());
    }
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    if (spec.encryption != null) {
      volumes.add(new VolumeBuilder().withName("encryption-key").withNewSecret()
          .withSecretName(spec.encryption.keySecretRef.name)
          .addNewItem().withKey(spec.encryption.keySecretRef.key).withPath("key").endItem()
          .withDefaultMode(0400).endSecret().build());
      mounts.add(new VolumeMountBuilder().withName("encryption-key").withMountPath(ENCRYPTION_KEY_DIR).withReadOnly(true).build());
    }

    Container agent = new ContainerBuilder()
        .withName(Lifeboat.AGENT_CONTAINER)
        .withImage(agentImage)
        .withCommand(agentCommand(spec, policy.getMetadata().getNamespace(), name, claims.names(), run.backupId(), pins))
        .withEnv(environment(spec.destination.s3))
        .withVolumeMounts(mounts)
        .withResources(template.resources != null ? template.resources : new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("100m"))
            .addToRequests("memory", new Quantity("256Mi"))
            .addToLimits("memory", new Quantity("512Mi"))
            .build())
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .build();

    List<Toleration> tolerations = new ArrayList<>();
    if (claims.placement() != null) {
      tolerations.addAll(claims.placement().tolerations());
    }
    if (template.tolerations != null) {
      template.tolerations.stream().filter(t -> !tolerations.contains(t)).forEach(tolerations::add);
    }

    var podSpec = new JobBuilder()
        .withNewMetadata()
        .withName(JobNames.backupJob(name, run.backupId()))
        .withNamespace(policy.getMetadata().getNamespace())
        .withLabels(labels)
        .addToAnnotations(Lifeboat.BACKUP_ID_ANNOTATION, run.backupId())
        .addToAnnotations(Lifeboat.TRIGGER_ANNOTATION, run.trigger().name())
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(policy.getApiVersion())
            .withKind(policy.getKind())
            .withName(name)
            .withUid(policy.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(template.backoffLimit != null ? template.backoffLimit : DEFAULT_BACKOFF_LIMIT)
        .withActiveDeadlineSeconds(template.activeDeadlineSeconds)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .addToAnnotations(Lifeboat.BACKUP_ID_ANNOTATION, run.backupId())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(podSecurity(template.podSecurityContext))
        .withNodeSelector(template.nodeSelector)
        .withTolerations(tolerations.isEmpty() ? null : tolerations)
        .withPriorityClassName(template.priorityClassName)
        .withContainers(agent)
        .withVolumes(volumes);
    if (claims.placement() != null) {
      // matchFields on metadata.name pins to the node while still going through the scheduler.
      podSpec = podSpec.withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm().addNewMatchField().withKey("metadata.name").withOperator("In").withValues(claims.placement().nodeName()).endMatchField()
          .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity();
    }
    return podSpec.endSpec().endTemplate().endSpec().build();
  }

  /** Labels of Jobs and their pods: our own only; the policy's labels are never copied (Argo CD would prune the Jobs). */
  public static Map<String, String> labels(String policy) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE);
    labels.put(Lifeboat.COMPONENT_LABEL, "backup");
    labels.put(Lifeboat.POLICY_LABEL, policy);
    return labels;
  }

  /** {@code lifeboat agent backup ...} exactly as documented in docs/agent.md. */
  static List<String> agentCommand(BackupPolicySpec spec, String namespace, String policy, List<String> claims,
      String backupId, List<String> pins) {
    S3Destination s3 = spec.destination.s3;
    List<String> args = new ArrayList<>(List.of("lifeboat", "agent", "backup"));
    args.addAll(List.of("--repository", repository(s3)));
    if (notBlank(s3.endpoint)) {
      args.addAll(List.of("--endpoint", s3.endpoint));
    }
    if (notBlank(s3.region)) {
      args.addAll(List.of("--region", s3.region));
    }
    if (Boolean.TRUE.equals(s3.forcePathStyle)) {
      args.add("--path-style");
    }
    args.addAll(List.of("--namespace", namespace, "--policy", policy));
    for (String claim : claims) {
      args.addAll(List.of("--volume", claim + "=" + DATA_ROOT + "/" + claim));
    }
    if (spec.source.exclude != null) {
      spec.source.exclude.forEach(glob -> args.addAll(List.of("--exclude", glob)));
    }
    args.addAll(List.of("--compression", spec.compression == null ? "zstd" : spec.compression.name()));
    if (notBlank(s3.serverSideEncryption)) {
      args.addAll(List.of("--sse", s3.serverSideEncryption));
      if (notBlank(s3.kmsKeyId)) {
        args.addAll(List.of("--kms-key-id", s3.kmsKeyId));
      }
    }
    if (spec.encryption != null) {
      args.addAll(List.of("--encryption-key-file", ENCRYPTION_KEY_DIR + "/key"));
    }
    args.addAll(List.of("--retention", PolicyRetention.rules(spec.retention).format()));
    LinkedHashSet<String> pinned = new LinkedHashSet<>();
    if (spec.retention.pinned != null) {
      pinned.addAll(spec.retention.pinned);
    }
    pinned.addAll(pins);
    pinned.forEach(id -> args.addAll(List.of("--pin", id)));
    args.addAll(List.of("--min-size", Long.toString(PolicyRetention.minSizeBytes(spec.alerts))));
    args.addAll(List.of("--backup-id", backupId));
    args.addAll(List.of("--termination-log", TERMINATION_LOG));
    return args;
  }

  static String repository(S3Destination s3) {
    return "s3://" + s3.bucket + (notBlank(s3.prefix) ? "/" + s3.prefix : "");
  }

  private static List<EnvVar> environment(S3Destination s3) {
    List<EnvVar> env = new ArrayList<>();
    for (String key : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
      env.add(new EnvVarBuilder().withName(key).withNewValueFrom().withNewSecretKeyRef()
          .withName(s3.credentialsSecretRef.name).withKey(key).endSecretKeyRef().endValueFrom().build());
    }
    if (notBlank(s3.region)) {
      env.add(new EnvVar("AWS_REGION", s3.region, null));
    }
    env.add(new EnvVar("HOME", "/tmp", null));
    return env;
  }

  private static PodSecurityContext podSecurity(PodSecurityContext requested) {
    PodSecurityContextBuilder security = requested == null ? new PodSecurityContextBuilder()
        : new PodSecurityContextBuilder(requested);
    security.withRunAsNonRoot(true);
    if (requested == null || requested.getRunAsUser() == null) {
      security.withRunAsUser(DEFAULT_USER);
    }
    if (requested == null || requested.getSeccompProfile() == null) {
      security.withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
    }
    return security.build();
  }

  private static String volumeName(String claim) {
    String name = "data-" + claim.replace('.', '-');
    return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("-+$", "");
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
