package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.Encryption;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.S3Destination;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
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
import java.util.List;
import java.util.Map;

/**
 * The parts every Lifeboat Job shares, whatever the agent does in it (backup, list, restore): the
 * hardened agent container, S3 credentials from the Secret as env, the encryption key as a file,
 * the owner reference, node pinning. Pure: the callers decide the command and the volumes.
 */
public final class AgentJob {
  public static final String DATA_ROOT = "/data";
  public static final String ENCRYPTION_KEY_DIR = "/etc/lifeboat/encryption";
  public static final String ENCRYPTION_KEY_FILE = ENCRYPTION_KEY_DIR + "/key";
  public static final String TERMINATION_LOG = "/dev/termination-log";
  /** The image's non-root user; used unless jobTemplate.podSecurityContext names another. */
  public static final long DEFAULT_USER = 65532L;
  public static final int DEFAULT_BACKOFF_LIMIT = 2;
  /**
   * activeDeadlineSeconds of a backup, safety backup or restore Job unless jobTemplate sets one: a
   * large volume takes hours, and a Job that never ends must not block the policy's runs forever.
   */
  public static final long DEFAULT_DEADLINE_SECONDS = 6 * 3600L;
  /** activeDeadlineSeconds of a list Job (a policy's discovery, a restore's resolving) unless jobTemplate sets one. */
  public static final long LIST_DEADLINE_SECONDS = 10 * 60L;
  /** The operation annotation of Jobs that only list a repository. */
  public static final String LIST_OPERATION = "list";

  /** Where the Job must run (a ReadWriteOnce volume in use there) and the holding pods' tolerations. */
  public record Placement(String nodeName, List<Toleration> tolerations) {}

  /**
   * Everything that varies between Lifeboat Jobs. {@code template} may be null (defaults);
   * {@code placement} null means the scheduler chooses freely; {@code identity} is that of the
   * pods using the claims (null: none known); {@code privileged} runs the Job as root with the
   * ownership capabilities ({@link JobSecurity}).
   */
  public record Spec(String name, String namespace, Map<String, String> labels, Map<String, String> annotations,
      HasMetadata owner, List<String> command, S3Destination s3, Encryption encryption, List<Volume> volumes,
      List<VolumeMount> mounts, JobTemplate template, Placement placement, PodSecurityContext identity,
      boolean privileged) {}

  private AgentJob() {}

  public static Job build(AgentImage image, Spec spec) {
    JobTemplate template = spec.template() == null ? new JobTemplate() : spec.template();
    JobSecurity.RunAs runAs = new JobSecurity.RunAs(template.podSecurityContext, spec.identity(), spec.privileged());
    List<Volume> volumes = new ArrayList<>(spec.volumes());
    List<VolumeMount> mounts = new ArrayList<>(spec.mounts());
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    if (spec.encryption() != null) {
      volumes.add(new VolumeBuilder().withName("encryption-key").withNewSecret()
          .withSecretName(spec.encryption().keySecretRef.name)
          .addNewItem().withKey(spec.encryption().keySecretRef.key).withPath("key").endItem()
          // 0444: the Job's user is the app's or 65532, not the Secret file's owner (root), and a Job often has
          // no fsGroup to share; the key is visible only inside this single-container pod.
          // Optional: a missing Secret or key would keep the pod in ContainerCreating (FailedMount, seen
          // only in Events); mounted empty instead, the agent fails at once naming the Secret and key.
          .withDefaultMode(0444).withOptional(true).endSecret().build());
      mounts.add(new VolumeMountBuilder().withName("encryption-key").withMountPath(ENCRYPTION_KEY_DIR).withReadOnly(true).build());
    }

    Container agent = new ContainerBuilder()
        .withName(Lifeboat.AGENT_CONTAINER)
        .withImage(image.name())
        .withCommand(spec.command())
        .withEnv(environment(spec.s3()))
        .withVolumeMounts(mounts)
        .withResources(template.resources != null ? template.resources : new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("100m"))
            .addToRequests("memory", new Quantity("256Mi"))
            .addToLimits("memory", new Quantity("512Mi"))
            .build())
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(JobSecurity.container(runAs))
        .build();

    List<Toleration> tolerations = new ArrayList<>();
    if (spec.placement() != null) {
      tolerations.addAll(spec.placement().tolerations());
    }
    if (template.tolerations != null) {
      template.tolerations.stream().filter(t -> !tolerations.contains(t)).forEach(tolerations::add);
    }
    HasMetadata owner = spec.owner();
    var podSpec = new JobBuilder()
        .withNewMetadata()
        .withName(spec.name())
        .withNamespace(spec.namespace())
        .withLabels(spec.labels())
        .withAnnotations(spec.annotations())
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(owner.getApiVersion())
            .withKind(owner.getKind())
            .withName(owner.getMetadata().getName())
            .withUid(owner.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(template.backoffLimit != null ? template.backoffLimit : DEFAULT_BACKOFF_LIMIT)
        .withActiveDeadlineSeconds(deadlineSeconds(template, spec.annotations()))
        // A partial backup is stored and reported; running the Job again could only fail on its id.
        // A damaged backup or a refused argument stays so: another pod would only download it again.
        .withNewPodFailurePolicy().addNewRule().withAction("FailJob").withNewOnExitCodes()
        .withContainerName(Lifeboat.AGENT_CONTAINER).withOperator("In")
        .withValues(AgentResult.EXIT_PARTIAL, AgentResult.EXIT_PERMANENT)
        .endOnExitCodes().endRule().endPodFailurePolicy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(spec.labels())
        .withAnnotations(spec.annotations())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(JobSecurity.pod(runAs))
        .withNodeSelector(template.nodeSelector)
        .withTolerations(tolerations.isEmpty() ? null : tolerations)
        .withPriorityClassName(template.priorityClassName)
        .withContainers(agent)
        .withVolumes(volumes)
        .withImagePullSecrets(image.pullSecrets().stream()
            .map(LocalObjectReference::new).toList());
    if (spec.placement() != null) {
      // matchFields on metadata.name pins to the node while still going through the scheduler.
      podSpec = podSpec.withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm().addNewMatchField().withKey("metadata.name").withOperator("In")
          .withValues(spec.placement().nodeName()).endMatchField()
          .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity();
    }
    return podSpec.endSpec().endTemplate().endSpec().build();
  }

  /** jobTemplate.activeDeadlineSeconds, else the default of what the Job does (its operation annotation). */
  public static long deadlineSeconds(JobTemplate template, Map<String, String> annotations) {
    if (template.activeDeadlineSeconds != null) {
      return template.activeDeadlineSeconds;
    }
    boolean listing = annotations != null && LIST_OPERATION.equals(annotations.get(Lifeboat.OPERATION_ANNOTATION));
    return listing ? LIST_DEADLINE_SECONDS : DEFAULT_DEADLINE_SECONDS;
  }

  /** Where a Job sees a PVC: {@code /data/<claim>}. */
  public static String mountPath(String claim) {
    return DATA_ROOT + "/" + claim;
  }

  /** A PVC as a pod volume. */
  public static Volume claimVolume(String claim, boolean readOnly) {
    return new VolumeBuilder().withName(volumeName(claim)).withNewPersistentVolumeClaim(claim, readOnly).build();
  }

  /** A PVC mounted at {@code /data/<claim>}, or at a directory inside it ({@code subPath}, null for the root). */
  public static VolumeMount claimMount(String claim, String subPath, boolean readOnly) {
    return new VolumeMountBuilder().withName(volumeName(claim)).withMountPath(mountPath(claim))
        .withSubPath(subPath == null || subPath.isEmpty() ? null : subPath).withReadOnly(readOnly).build();
  }

  /** The Kubernetes volume name for a PVC: DNS-label safe and at most 63 characters. */
  public static String volumeName(String claim) {
    String name = "data-" + claim.replace('.', '-');
    return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("-+$", "");
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

  public static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
