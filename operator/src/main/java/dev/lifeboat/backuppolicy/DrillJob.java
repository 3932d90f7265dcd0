package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.VerifyCheck;
import dev.lifeboat.common.CommandContainers;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;

/** The parts of a restore drill's Job that other Jobs do not have. Pure. */
final class DrillJob {
  static final String RESTORE_VOLUME = "restore";
  static final String CHECK_TMP_VOLUME = "check-tmp";

  private DrillJob() {}

  /**
   * The policy's jobTemplate with no retries: a drill that failed found something wrong with the
   * backup (or the check), and running it again could only hide that.
   */
  static JobTemplate template(JobTemplate policyTemplate) {
    JobTemplate template = new JobTemplate();
    if (policyTemplate != null) {
      template.resources = policyTemplate.resources;
      template.nodeSelector = policyTemplate.nodeSelector;
      template.tolerations = policyTemplate.tolerations;
      template.priorityClassName = policyTemplate.priorityClassName;
      template.activeDeadlineSeconds = policyTemplate.activeDeadlineSeconds;
      template.podSecurityContext = policyTemplate.podSecurityContext;
    }
    template.backoffLimit = 0;
    return template;
  }

  /**
   * Where the backup is restored: the node's disk, not memory. Not size-limited: how large the
   * restored data is only the backup's manifest knows, and a limit smaller than it would evict the
   * drill rather than say so.
   */
  static Volume restoreVolume() {
    return new VolumeBuilder().withName(RESTORE_VOLUME).withNewEmptyDir().endEmptyDir().build();
  }

  static VolumeMount restoreMount() {
    return new VolumeMountBuilder().withName(RESTORE_VOLUME).withMountPath(BackupJobBuilder.RESTORE_DIR).build();
  }

  /**
   * The drill with the user's check: the agent becomes the init container (the check must not run
   * unless the restore and every checksum were good), and the check runs with the restored data at
   * /restore and a writable /tmp, hardened like the agent but with a writable root filesystem, since
   * an image's own tools may need one. Its log tail becomes its termination message when it fails.
   */
  static Job withCheck(Job job, VerifyCheck check) {
    var pod = job.getSpec().getTemplate().getSpec();
    Container agent = pod.getContainers().get(0);
    Container checker = new ContainerBuilder()
        .withName(Lifeboat.CHECK_CONTAINER)
        .withImage(check.image)
        .withCommand(check.command)
        .withArgs(check.args)
        .withEnv(check.env)
        .withEnvFrom(check.envFrom)
        .withVolumeMounts(restoreMount(), new VolumeMountBuilder().withName(CHECK_TMP_VOLUME).withMountPath("/tmp").build())
        .withResources(agent.getResources())
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(CommandContainers.userCommand())
        .build();
    List<Volume> volumes = new ArrayList<>(pod.getVolumes());
    volumes.add(new VolumeBuilder().withName(CHECK_TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    return new JobBuilder(job).editSpec().editTemplate().editSpec()
        .withInitContainers(agent)
        .withContainers(checker)
        .withVolumes(volumes)
        .endSpec().endTemplate().endSpec().build();
  }
}
