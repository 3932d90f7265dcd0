package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.api.v1alpha1.RestoredBackup;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.RepositoryListing;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Lists the repository in a Job and picks the backup to restore, so status names the exact id
 * before anything is touched and the restore Job is handed that id.
 */
final class ResolvingStep implements RestoreStep {
  private final Jobs jobs;
  private final RestoreJobBuilder builder;
  private final RepositoryListing listings;

  ResolvingStep(Jobs jobs, RestoreJobBuilder builder, RepositoryListing listings) {
    this.jobs = jobs;
    this.builder = builder;
    this.listings = listings;
  }

  @Override
  public Optional<Duration> advance(RestoreRun run) {
    ResolvedSource source = run.source.value();
    Optional<Job> job = run.job(jobs, RestoreJobBuilder.LIST_STEP,
        () -> builder.list(run.request(), source));
    if (job.isEmpty()) {
      return Optional.of(JOB_RECHECK);
    }
    if (!JobOutcomeReader.finished(job.get())) {
      return run.awaitStart(jobs, job.get(), JOB_RECHECK, ConditionTypes.BACKUP_RESOLVED,
          "listing " + source.describe() + " failed: ");
    }
    Checked<List<ListedBackup>> listing = listings.read(job.get(), source.describe());
    if (!listing.ok()) {
      return run.fail(ConditionTypes.BACKUP_RESOLVED, listing.problem());
    }
    Checked<ListedBackup> choice = BackupChoice.choose(run.spec.source, source, listing.value());
    if (!choice.ok()) {
      return run.fail(ConditionTypes.BACKUP_RESOLVED, choice.problem());
    }
    ListedBackup backup = choice.value();
    run.status.backup = new RestoredBackup();
    run.status.backup.id = backup.id();
    run.status.backup.time = backup.time();
    run.status.backup.bytes = backup.bytes();
    String message = "restoring backup " + backup.id() + " (" + backup.bytes() + " bytes, completed " + backup.time()
        + ") of " + source.describe();
    return run.pass(ConditionTypes.BACKUP_RESOLVED, Reasons.RESOLVED, message, RestoreStage.ScalingDown);
  }
}
