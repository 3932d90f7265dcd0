package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;

/**
 * Reads back what a finished {@code lifeboat agent list} Job found: the backups printed to its
 * pod log, or why there is no listing (the Job failed, or its log holds none).
 */
public final class RepositoryListing {
  private final JobOutcomeReader outcomes;
  private final PodLogs logs;

  public RepositoryListing(JobOutcomeReader outcomes, PodLogs logs) {
    this.outcomes = outcomes;
    this.logs = logs;
  }

  /** The listing of a finished list Job; {@code where} names the repository for the message. */
  public Checked<List<ListedBackup>> read(Job finished, String where) {
    JobOutcomeReader.Outcome outcome = outcomes.read(finished)
        .orElseThrow(() -> new IllegalStateException("Job " + finished.getMetadata().getName() + " has not finished"));
    if (!outcome.succeeded()) {
      return Checked.problem(Reasons.LISTING_FAILED, "listing " + where + " failed: " + outcome.message());
    }
    try {
      return Checked.of(ListedBackup.parseLog(logs.all(finished).orElse(null)));
    } catch (IllegalArgumentException e) {
      return Checked.problem(Reasons.LISTING_FAILED, "listing " + where + " failed: " + e.getMessage());
    }
  }
}
