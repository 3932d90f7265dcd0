package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreProgress;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.PodLogs;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.Optional;

/** Restores the resolved backup id into the target in a Job, showing its progress from the pod log. */
final class RestoringStep implements RestoreStep {
  /** Real time between progress reads from the restore pod's log. */
  static final Duration PROGRESS_REFRESH = Duration.ofSeconds(3);
  private final Jobs jobs;
  private final RestoreJobBuilder builder;
  private final JobOutcomeReader outcomes;
  private final PodLogs logs;
  private final TargetClaim targets;

  RestoringStep(Jobs jobs, RestoreJobBuilder builder, JobOutcomeReader outcomes, PodLogs logs, TargetClaim targets) {
    this.jobs = jobs;
    this.builder = builder;
    this.outcomes = outcomes;
    this.logs = logs;
    this.targets = targets;
  }

  @Override
  public Optional<Duration> advance(RestoreRun run) {
    String backupId = run.status.backup.id;
    Optional<Job> job = run.job(jobs, RestoreJobBuilder.RESTORE_STEP,
        () -> run.intoCommand() ? builder.restoreToCommand(run.request(), run.source.value(), backupId)
            : builder.restore(run.request(), run.source.value(), backupId, run.jobTarget(targets, builder)));
    if (job.isEmpty()) {
      return Optional.of(PROGRESS_REFRESH);
    }
    if (!JobOutcomeReader.finished(job.get())) {
      Optional<Duration> wait = run.awaitStart(jobs, job.get(), PROGRESS_REFRESH, ConditionTypes.RESTORED,
          "restore of backup " + backupId + " failed: ");
      if (wait.isEmpty()) {
        return wait; // its pod cannot start: the run failed
      }
      readProgress(run, job.get());
      run.status.message = "restoring backup " + backupId + " into " + run.targetDescription()
          + (run.status.progress == null ? "" : ": " + run.status.progress.percent + "%") + run.inUseNote();
      return wait;
    }
    JobOutcomeReader.Outcome outcome = outcomes.read(job.get()).orElseThrow();
    if (!outcome.succeeded()) {
      return run.fail(ConditionTypes.RESTORED, Reasons.RESTORE_FAILED, "restore of backup " + backupId
          + " failed: " + outcome.message());
    }
    readProgress(run, job.get());
    RestoreProgress done = new RestoreProgress();
    done.bytesTotal = run.status.progress != null ? run.status.progress.bytesTotal : run.status.backup.bytes;
    done.bytesDone = done.bytesTotal;
    done.percent = 100;
    run.status.progress = done;
    String message = run.intoCommand()
        ? "restored dump " + run.spec.source.dump + " of backup " + backupId + " into " + run.targetDescription()
        : "restored backup " + backupId + " into " + run.targetDescription() + " (" + run.spec.mode
            + (run.spec.source.paths == null ? "" : ", paths " + String.join(", ", run.spec.source.paths)) + ")"
            + run.inUseNote();
    return run.pass(ConditionTypes.RESTORED, Reasons.RESTORE_SUCCEEDED, message, RestoreStage.ScalingUp);
  }

  private void readProgress(RestoreRun run, Job job) {
    logs.tail(job, 5).flatMap(ProgressLine::newest).ifPresent(progress -> run.status.progress = progress);
  }
}
