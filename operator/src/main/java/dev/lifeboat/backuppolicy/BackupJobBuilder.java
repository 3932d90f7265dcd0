package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicySpec;
import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.SqliteCapture;
import dev.lifeboat.common.AgentCommandLine;
import dev.lifeboat.common.AgentImage;
import dev.lifeboat.common.AgentJob;
import dev.lifeboat.common.CommandContainers;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.PrivilegedJobs;
import dev.lifeboat.common.SqliteScratch;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the desired backup Job of one run, and the one-time listing Job of a policy. Pure:
 * everything it needs is passed in, so it is tested without a cluster.
 */
public final class BackupJobBuilder {
  /** Value of the operation annotation on the Job that lists a policy's repository before its first run. */
  public static final String DISCOVER_OPERATION = "list";
  /** Value of the operation annotation on a restore drill's Job. */
  public static final String VERIFY_OPERATION = "verify";
  /** Where a drill restores the backup inside its Job. */
  public static final String RESTORE_DIR = "/restore";
  /** The component label of a policy's Jobs; it keeps them apart from restore Jobs. */
  public static final String COMPONENT = "backup";

  private final AgentImage agentImage;
  private final PrivilegedJobs privileged;

  public BackupJobBuilder(AgentImage agentImage, PrivilegedJobs privileged) {
    this.agentImage = agentImage;
    this.privileged = privileged;
  }

  /** Jobs of an image pulled without credentials. */
  public BackupJobBuilder(String agentImage, PrivilegedJobs privileged) {
    this(AgentImage.of(agentImage), privileged);
  }

  /** Whether Jobs in this namespace run privileged (operator setting). */
  public boolean privileged(String namespace) {
    return privileged.allows(namespace);
  }

  /**
   * The run's Job: the agent reading the claims, and beside it a container per dump
   * ({@link CommandContainers}). A policy of dumps only mounts no claim, runs anywhere, as the
   * default user and never privileged (nothing to read as another user).
   */
  public Job build(BackupPolicy policy, RunPlanner.Run run, ClaimResolver.Claims claims, List<String> pins) {
    return build(policy, run, claims, pins, Map.of());
  }

  /**
   * The run's Job reading, for each claim named in {@code readFrom}, the claim given there instead
   * (a temporary claim made from its snapshot), mounted where the claim itself would be: at
   * {@code /data/<claim>}, so the archive holds the claim's own name.
   */
  public Job build(BackupPolicy policy, RunPlanner.Run run, ClaimResolver.Claims claims, List<String> pins,
      Map<String, String> readFrom) {
    BackupPolicySpec spec = policy.getSpec();
    String name = policy.getMetadata().getName();
    String namespace = policy.getMetadata().getNamespace();
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    for (String claim : claims.names()) {
      String source = readFrom.get(claim);
      volumes.add(source == null ? AgentJob.claimVolume(claim, true) : new VolumeBuilder()
          .withName(AgentJob.volumeName(claim)).withNewPersistentVolumeClaim(source, true).build());
      mounts.add(AgentJob.claimMount(claim, null, true));
    }
    if (sqliteOnline(spec, claims.names())) {
      volumes.add(SqliteScratch.volume(SqliteScratch.largest(claims.claims()).orElse(null)));
      mounts.add(SqliteScratch.mount());
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Lifeboat.BACKUP_ID_ANNOTATION, run.backupId());
    annotations.put(Lifeboat.TRIGGER_ANNOTATION, run.trigger().name());
    if (run.slot() != null) {
      annotations.put(Lifeboat.SCHEDULE_SLOT_ANNOTATION, Times.rfc3339(run.slot()));
    }
    if (run.manualValue() != null) {
      annotations.put(Lifeboat.MANUAL_TRIGGER_ANNOTATION, run.manualValue());
    }
    Job job = AgentJob.build(agentImage, new AgentJob.Spec(JobNames.backupJob(name, run.backupId()),
        namespace, labels(name), annotations, policy,
        agentCommand(spec, namespace, name, claims.names(), run, pins),
        spec.destination.s3, spec.encryption, volumes, mounts, spec.jobTemplate, claims.placement(),
        claims.runAs(), !claims.names().isEmpty() && privileged.allows(namespace)));
    return CommandContainers.withDumps(job, dumps(spec), spec.jobTemplate);
  }

  static List<DumpSource> dumps(BackupPolicySpec spec) {
    return spec.source.dumps == null ? List.of() : spec.source.dumps;
  }

  /** SQLite's online capture needs a scratch volume; a policy without claims has no database to capture. */
  private static boolean sqliteOnline(BackupPolicySpec spec, List<String> claims) {
    return spec.source.sqlite != SqliteCapture.Off && !claims.isEmpty();
  }

  /**
   * A restore drill of backup {@code backupId}: the agent verifies it and restores it into the
   * {@code restore} emptyDir at {@link #RESTORE_DIR}; with {@code verify.check} the agent runs first, as
   * an init container, and the user's check runs after it with the restored data at /restore/&lt;claim&gt;.
   * Not retried: a drill that fails says something about the backup. It mounts no claim, so it never
   * waits for or holds back the app or a backup. {@code slot} is the verify.schedule slot it runs for.
   */
  public Job drill(BackupPolicy policy, String drillId, String backupId, Instant slot) {
    BackupPolicySpec spec = policy.getSpec();
    String name = policy.getMetadata().getName();
    String namespace = policy.getMetadata().getNamespace();
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Lifeboat.OPERATION_ANNOTATION, VERIFY_OPERATION);
    annotations.put(Lifeboat.VERIFIED_BACKUP_ANNOTATION, backupId);
    annotations.put(Lifeboat.SCHEDULE_SLOT_ANNOTATION, Times.rfc3339(slot));
    JobTemplate template = DrillJob.template(spec.jobTemplate);
    List<String> command = AgentCommandLine.verify(spec.destination.s3, namespace, name, backupId, spec.encryption,
        RESTORE_DIR, AgentJob.deadlineSeconds(template, annotations));
    Job job = AgentJob.build(agentImage, new AgentJob.Spec(JobNames.verifyJob(name, drillId), namespace, labels(name),
        annotations, policy, command, spec.destination.s3, spec.encryption, List.of(DrillJob.restoreVolume()),
        List.of(DrillJob.restoreMount()), template, null, null, false)); // it reads no claim: never privileged
    return spec.verify.check == null ? job : DrillJob.withCheck(job, spec.verify.check);
  }

  /** {@code lifeboat agent list}: what the repository already holds, for a policy applied to a new cluster. */
  public Job discovery(BackupPolicy policy) {
    BackupPolicySpec spec = policy.getSpec();
    String name = policy.getMetadata().getName();
    List<String> command = AgentCommandLine.list(spec.destination.s3, policy.getMetadata().getNamespace(), name);
    return AgentJob.build(agentImage, new AgentJob.Spec(JobNames.discoveryJob(name), policy.getMetadata().getNamespace(),
        labels(name), Map.of(Lifeboat.OPERATION_ANNOTATION, DISCOVER_OPERATION), policy, command,
        spec.destination.s3, null, List.of(), List.of(), spec.jobTemplate, null, null, false));
  }

  /** Labels of Jobs and their pods: our own only; the policy's labels are never copied (Argo CD would prune the Jobs). */
  public static Map<String, String> labels(String policy) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE);
    labels.put(Lifeboat.COMPONENT_LABEL, COMPONENT);
    labels.put(Lifeboat.POLICY_LABEL, policy);
    return labels;
  }

  /** {@code lifeboat agent backup ...} exactly as documented in docs/agent.md. */
  static List<String> agentCommand(BackupPolicySpec spec, String namespace, String policy, List<String> claims,
      RunPlanner.Run run, List<String> pins) {
    AgentCommandLine.Backup command = AgentCommandLine.backup(spec.destination.s3, namespace, policy);
    claims.forEach(command::volume);
    dumps(spec).forEach(dump -> command.dump(dump.name, CommandContainers.timeoutSeconds(dump)));
    return command.excludes(spec.source.exclude)
        .compression(spec.compression == null ? "zstd" : spec.compression.name())
        .sqliteOnline(sqliteOnline(spec, claims))
        .encryption(spec.encryption)
        .retention(PolicyRetention.rules(spec.retention).format())
        .pins(spec.retention.pinned)
        .pins(pins)
        .minSize(PolicyRetention.minSizeBytes(spec.alerts))
        .backupId(run.backupId())
        // The manifest says why the backup was taken; a manual one counts for retention as a scheduled one does.
        .kind(run.trigger() == RunPlanner.Trigger.Manual ? ListedBackup.KIND_MANUAL : null)
        .build();
  }
}
