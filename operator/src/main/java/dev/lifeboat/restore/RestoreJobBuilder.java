package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestSpec;
import dev.lifeboat.common.AgentCommandLine;
import dev.lifeboat.common.AgentJob;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.CommandContainers;
import dev.lifeboat.common.JobIdentity;
import dev.lifeboat.common.AgentImage;
import dev.lifeboat.common.PrivilegedJobs;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.SqliteScratch;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three Jobs of a restore, one per step: list the repository, back up the target first
 * (safety), restore. Pure; the agent command lines are those of docs/agent.md.
 */
public final class RestoreJobBuilder {
  public static final String LIST_STEP = "list";
  public static final String SAFETY_STEP = "safety";
  public static final String RESTORE_STEP = "restore";
  public static final String COMPONENT = "restore";

  private final AgentImage agentImage;
  private final PrivilegedJobs privileged;

  public RestoreJobBuilder(AgentImage agentImage, PrivilegedJobs privileged) {
    this.agentImage = agentImage;
    this.privileged = privileged;
  }

  /** Jobs of an image pulled without credentials. */
  public RestoreJobBuilder(String agentImage, PrivilegedJobs privileged) {
    this(AgentImage.of(agentImage), privileged);
  }

  /**
   * The claim a Job mounts, where the Job must run (null: anywhere) and as whom: the identity of
   * the pods that use the claim, or why there is none.
   */
  public record Target(String claim, AgentJob.Placement placement, Checked<JobIdentity.Found> identity) {
    /** The identity the Job takes; null for the default. */
    public PodSecurityContext runAs() {
      return identity == null || !identity.ok() ? null : identity.value().identity();
    }
  }

  /** Whether this request's Jobs run privileged (operator setting). */
  public boolean privileged(RestoreRequest request) {
    return privileged.allows(request.getMetadata().getNamespace());
  }

  /** {@code lifeboat agent list}: the backups there are, read back by the operator from the pod log. */
  public Job list(RestoreRequest request, ResolvedSource source) {
    List<String> command = AgentCommandLine.list(source.s3(), source.namespace(), source.policy());
    return build(request, LIST_STEP, Map.of(Lifeboat.OPERATION_ANNOTATION, LIST_STEP), command, source,
        List.of(), List.of(), null, false);
  }

  /**
   * {@code lifeboat agent backup --kind pre-restore} of exactly what the restore will replace (the
   * target, at its subPath), into the source's repository under the request's own namespace:
   * outside retention counting, kept 7 days.
   */
  public Job safety(RestoreRequest request, ResolvedSource source, Target target, String backupId) {
    String claim = target.claim();
    List<String> command = preRestore(request, source, backupId).volume(claim).build();
    // The scratch has no size limit here: the target's capacity is not at hand, and the copy of a database
    // cannot outgrow the volume it is on anyway.
    return build(request, SAFETY_STEP, annotations("backup", backupId), command, source,
        List.of(AgentJob.claimVolume(claim, true), SqliteScratch.volume(null)),
        List.of(AgentJob.claimMount(claim, request.getSpec().target.subPath, true), SqliteScratch.mount()), target, true);
  }

  /**
   * {@code lifeboat agent backup --kind pre-restore} of dump {@code dump} alone, run by the policy's
   * command as a scheduled backup runs it: what a restore into a command is about to replace.
   */
  public Job safetyDump(RestoreRequest request, ResolvedSource source, DumpSource dump, String backupId) {
    List<String> command = preRestore(request, source, backupId)
        .dump(dump.name, CommandContainers.timeoutSeconds(dump))
        .sqliteOnline(false)
        .build();
    Job job = build(request, SAFETY_STEP, annotations("backup", backupId), command, source, List.of(), List.of(), null,
        true);
    return CommandContainers.withDumps(job, List.of(dump), template(request, source));
  }

  /**
   * {@code lifeboat agent restore --dump} of the resolved backup id into spec.target.command, which
   * runs beside the agent ({@link CommandContainers}) and may take as long as the Job.
   */
  public Job restoreToCommand(RestoreRequest request, ResolvedSource source, String backupId) {
    RestoreRequestSpec spec = request.getSpec();
    long deadline = AgentJob.deadlineSeconds(templateOrDefault(request, source), Map.of());
    List<String> command = AgentCommandLine.restore(source.s3(), source.namespace(), source.policy(), backupId)
        .dump(spec.source.dump, deadline)
        .encryption(source.encryption())
        .pinFor(deadline)
        .build();
    Job job = build(request, RESTORE_STEP, annotations(RESTORE_STEP, backupId), command, source, List.of(), List.of(),
        null, true);
    return CommandContainers.withCommands(job, List.of(CommandContainers.target(spec.target.command, deadline)));
  }

  /** {@code lifeboat agent restore} of the resolved backup id into the target. */
  public Job restore(RestoreRequest request, ResolvedSource source, String backupId, Target target) {
    String claim = target.claim();
    RestoreRequestSpec spec = request.getSpec();
    List<String> command = AgentCommandLine.restore(source.s3(), source.namespace(), source.policy(), backupId)
        .claim(spec.source.claim)
        .into(AgentJob.mountPath(claim), spec.mode.name())
        .paths(spec.source.paths)
        .encryption(source.encryption())
        .pinFor(AgentJob.deadlineSeconds(templateOrDefault(request, source), Map.of()))
        .build();
    return build(request, RESTORE_STEP, annotations(RESTORE_STEP, backupId), command, source,
        List.of(AgentJob.claimVolume(claim, false)), List.of(AgentJob.claimMount(claim, spec.target.subPath, false)), target,
        true);
  }

  /**
   * A pre-restore backup (outside retention counting, kept 7 days) into the source's repository
   * under the request's own namespace: a restore from another namespace never writes into that
   * namespace's backups.
   */
  private static AgentCommandLine.Backup preRestore(RestoreRequest request, ResolvedSource source, String backupId) {
    return AgentCommandLine.backup(source.s3(), request.getMetadata().getNamespace(), source.policy())
        .encryption(source.encryption())
        .minSize(0)
        .kind(ListedBackup.KIND_PRE_RESTORE)
        .backupId(backupId);
  }

  private static Map<String, String> annotations(String operation, String backupId) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Lifeboat.OPERATION_ANNOTATION, operation);
    annotations.put(Lifeboat.BACKUP_ID_ANNOTATION, backupId);
    return annotations;
  }

  /** Labels of restore Jobs and their pods; the restore label finds them, the component keeps BackupPolicy's informer off them. */
  public static Map<String, String> labels(String restoreRequest) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE);
    labels.put(Lifeboat.COMPONENT_LABEL, COMPONENT);
    labels.put(Lifeboat.RESTORE_LABEL, restoreRequest);
    return labels;
  }

  public static String jobName(RestoreRequest request, String step) {
    return JobNames.restoreJob(request.getMetadata().getName(), step);
  }

  /** The request's own jobTemplate, else the policy's it restores from (null for defaults). */
  static JobTemplate template(RestoreRequest request, ResolvedSource source) {
    return request.getSpec().jobTemplate != null ? request.getSpec().jobTemplate : source.template();
  }

  private static JobTemplate templateOrDefault(RestoreRequest request, ResolvedSource source) {
    JobTemplate template = template(request, source);
    return template == null ? new JobTemplate() : template;
  }

  private Job build(RestoreRequest request, String step, Map<String, String> annotations, List<String> command,
      ResolvedSource source, List<Volume> volumes, List<VolumeMount> mounts, Target target, boolean needsKey) {
    // target null: no claim, so no placement, the default identity and never privileged.
    String name = request.getMetadata().getName();
    return AgentJob.build(agentImage, new AgentJob.Spec(jobName(request, step), request.getMetadata().getNamespace(),
        labels(name), annotations, request, command, source.s3(), needsKey ? source.encryption() : null, volumes, mounts,
        template(request, source), target == null ? null : target.placement(), target == null ? null : target.runAs(),
        target != null && privileged(request)));
  }
}
