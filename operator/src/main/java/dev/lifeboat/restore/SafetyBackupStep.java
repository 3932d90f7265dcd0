package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreMode;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.api.v1alpha1.SafetyBackupRef;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.Optional;

/**
 * Backs up what the restore will replace (a pre-restore backup, kept 7 days) when the request asks
 * for it, by default for Replace; a failed safety backup leaves the target untouched.
 */
final class SafetyBackupStep implements RestoreStep {
  private final Jobs jobs;
  private final RestoreJobBuilder builder;
  private final JobOutcomeReader outcomes;
  private final TargetClaim targets;

  SafetyBackupStep(Jobs jobs, RestoreJobBuilder builder, JobOutcomeReader outcomes, TargetClaim targets) {
    this.jobs = jobs;
    this.builder = builder;
    this.outcomes = outcomes;
    this.targets = targets;
  }

  @Override
  public Optional<Duration> advance(RestoreRun run) {
    boolean wanted = run.spec.safetyBackup != null ? run.spec.safetyBackup : run.spec.mode == RestoreMode.Replace;
    if (!wanted || run.spec.target.newClaim != null) {
      String why = run.spec.target.newClaim != null ? "the target is a new, empty PersistentVolumeClaim"
          : "spec.safetyBackup is false" + (run.spec.safetyBackup == null ? " by default for Merge" : "");
      run.conditions.set(ConditionTypes.SAFETY_BACKUP_TAKEN, false, Reasons.NOT_REQUESTED, why);
      return run.moveTo(RestoreStage.Restoring);
    }
    // A dump's current contents are what its command in the policy writes now.
    DumpSource dump = run.intoCommand() ? run.source.value().dump(run.spec.source.dump) : null;
    if (run.intoCommand() && dump == null) {
      return run.fail(ConditionTypes.SAFETY_BACKUP_TAKEN, Reasons.INVALID_SPEC, "spec.safetyBackup: BackupPolicy "
          + run.spec.source.policy + " has no dump '" + run.spec.source.dump + "' in spec.source.dumps to take it with;"
          + " set spec.safetyBackup to false to restore without one");
    }
    String what = run.intoCommand() ? "dump " + dump.name : run.target;
    Optional<Job> job = run.job(jobs, RestoreJobBuilder.SAFETY_STEP,
        () -> run.intoCommand() ? builder.safetyDump(run.request(), run.source.value(), dump, Times.backupId(run.now))
            : builder.safety(run.request(), run.source.value(), run.jobTarget(targets, builder), Times.backupId(run.now)));
    if (job.isEmpty() || !JobOutcomeReader.finished(job.get())) {
      run.status.message = "backing up the current contents of " + what + " before restoring" + run.inUseNote();
      return job.isEmpty() ? Optional.of(JOB_RECHECK) : run.awaitStart(jobs, job.get(), JOB_RECHECK,
          ConditionTypes.SAFETY_BACKUP_TAKEN, "the safety backup failed, so " + what + " was left untouched: ");
    }
    JobOutcomeReader.Outcome outcome = outcomes.read(job.get()).orElseThrow();
    if (!outcome.succeeded()) {
      return run.fail(ConditionTypes.SAFETY_BACKUP_TAKEN, Reasons.SAFETY_BACKUP_FAILED, "the safety backup failed, so "
          + what + " was left untouched: " + outcome.message());
    }
    run.status.safetyBackup = new SafetyBackupRef();
    run.status.safetyBackup.id = JobOutcomeReader.backupId(job.get());
    run.conditions.set(ConditionTypes.SAFETY_BACKUP_TAKEN, true, Reasons.SAFETY_BACKUP_SUCCEEDED,
        "the previous contents of " + what + " are in backup " + run.status.safetyBackup.id + " (kept 7 days)");
    return run.moveTo(RestoreStage.Restoring);
  }
}
