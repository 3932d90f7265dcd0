package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.DiscoveryPhase;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.RepositoryDiscovery;
import dev.lifeboat.common.AgentCommandLine;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.Problem;
import dev.lifeboat.common.RepositoryListing;
import dev.lifeboat.common.StuckPods;
import dev.lifeboat.common.Times;
import dev.lifeboat.retention.RetentionRules;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Before a policy's first run, lists what its repository already holds (an {@code agent list}
 * Job, read back from the pod log) into status: a policy re-applied into a new cluster knows its
 * backups, so BackupOverdue and retention are right from the start.
 */
final class BackupDiscovery {
  /** What a finished listing found, for the event. */
  record Finished(boolean succeeded, String message) {}

  /**
   * Where the listing stands: {@code finished} once it ended, else (null) it runs and {@code start}
   * says what its pod says about starting, for when to look again.
   */
  record Progress(Finished finished, StuckPods.Start start) {
    static Progress running(StuckPods.Start start) {
      return new Progress(null, start);
    }

    boolean running() {
      return finished == null;
    }
  }

  private final Jobs jobs;
  private final BackupJobBuilder jobBuilder;
  private final RepositoryListing listings;
  private final BackupRecorder recorder;

  BackupDiscovery(Jobs jobs, BackupJobBuilder jobBuilder, RepositoryListing listings, BackupRecorder recorder) {
    this.jobs = jobs;
    this.jobBuilder = jobBuilder;
    this.listings = listings;
    this.recorder = recorder;
  }

  /** A policy that has never run lists first; one that has (status from before discovery existed) does not. */
  static boolean needed(BackupPolicyStatus status) {
    return status.discovery == null ? status.lastBackup == null : status.discovery.phase == DiscoveryPhase.Running;
  }

  /**
   * Starts or finishes the listing. While it runs no backup may start; once it ended (also when its
   * pod cannot start, {@link StuckPods}) its result goes into status, and the Job is deleted once
   * that status is written ({@link #deleteRecorded}).
   */
  Progress advance(BackupPolicy policy, BackupPolicyStatus status, RetentionRules rules, Instant now) {
    String namespace = policy.getMetadata().getNamespace();
    String name = JobNames.discoveryJob(policy.getMetadata().getName());
    String repository = AgentCommandLine.repository(policy.getSpec().destination.s3);
    Optional<Job> job = jobs.findOrCreate(policy, namespace, name, () -> jobBuilder.discovery(policy));
    if (job.isEmpty()) {
      RepositoryDiscovery running = new RepositoryDiscovery();
      running.phase = DiscoveryPhase.Running;
      running.message = "listing " + repository + " in Job " + name;
      status.discovery = running;
      return Progress.running(StuckPods.Start.ON_ITS_WAY);
    }
    String where = repository + " (" + namespace + "/" + policy.getMetadata().getName() + ")";
    Checked<RepositoryListing.Found> listing;
    RepositoryDiscovery result = new RepositoryDiscovery();
    if (JobOutcomeReader.finished(job.get())) {
      listing = listings.readAll(job.get(), where);
      result.completionTime = Optional.ofNullable(JobOutcomeReader.completionTime(job.get())).orElse(Times.rfc3339(now));
    } else {
      StuckPods.Start start = StuckPods.of(jobs, job.get());
      Optional<Problem> stuck = start.stuck(job.get(), now);
      if (stuck.isEmpty()) {
        return Progress.running(start);
      }
      listing = Checked.problem(stuck.get().reason(), "listing " + where + " failed: " + stuck.get().message());
      result.completionTime = Times.rfc3339(now);
    }
    if (listing.ok()) {
      int found = recorder.discovered(status, listing.value().backups(), rules);
      List<DamagedBackup> damaged = listing.value().damaged();
      DamagedBackups.record(status, damaged, damaged.size(), now);
      result.phase = DiscoveryPhase.Succeeded;
      result.found = found;
      result.message = (found == 0 ? "no backups in " + where + " yet"
          : "found " + found + " backup(s) in " + where + ", newest " + status.lastBackup.id)
          + (damaged.isEmpty() ? "" : "; " + damaged.size() + " damaged, see status.damagedBackups");
    } else {
      result.phase = DiscoveryPhase.Failed;
      result.message = listing.problem().message() + "; existing backups appear in status after the next run";
    }
    status.discovery = result;
    return new Progress(new Finished(result.phase == DiscoveryPhase.Succeeded, result.message), null);
  }

  /**
   * Deletes the listing Job once status holds what it found: called after the status write, so an
   * operator stopped in between finds the Job again and records it, rather than listing anew.
   */
  void deleteRecorded(List<Job> informed, BackupPolicyStatus status) {
    if (status.discovery == null || status.discovery.phase == DiscoveryPhase.Running) {
      return;
    }
    informed.stream().filter(BackupDiscovery::isListing).forEach(job ->
        jobs.delete(job.getMetadata().getNamespace(), job.getMetadata().getName()));
  }

  private static boolean isListing(Job job) {
    var annotations = job.getMetadata().getAnnotations();
    return annotations != null
        && BackupJobBuilder.DISCOVER_OPERATION.equals(annotations.get(Lifeboat.OPERATION_ANNOTATION));
  }
}
