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

  /** What a list Job found: the complete backups, and the damaged ones its log names. */
  public record Found(List<ListedBackup> backups, List<DamagedBackup> damaged) {}

  /** The listing of a finished list Job; {@code where} names the repository for the message. */
  public Checked<List<ListedBackup>> read(Job finished, String where) {
    return readAll(finished, where).map(Found::backups);
  }

  /** As {@link #read}, with the damaged backups named in the log beside the listing. */
  public Checked<Found> readAll(Job finished, String where) {
    JobOutcomeReader.Outcome outcome = outcomes.read(finished)
        .orElseThrow(() -> new IllegalStateException("Job " + finished.getMetadata().getName() + " has not finished"));
    if (!outcome.succeeded()) {
      return Checked.problem(Reasons.LISTING_FAILED, "listing " + where + " failed: " + outcome.message());
    }
    try {
      String log = logs.all(finished).orElse(null);
      return Checked.of(new Found(ListedBackup.parseLog(log), DamagedBackup.inListLog(log)));
    } catch (IllegalArgumentException e) {
      return Checked.problem(Reasons.LISTING_FAILED, "listing " + where + " failed: " + e.getMessage());
    }
  }
}
