package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.common.ConditionWriter;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.JobIdentity;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.Problem;
import dev.lifeboat.common.RunMetrics;
import dev.lifeboat.common.StuckPods;
import dev.lifeboat.common.Times;
import dev.lifeboat.retention.RetentionRules;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A policy's backup runs as Jobs: starts a run's Job, records finished Jobs into status (with an
 * Event each), ends runs whose pod cannot start, and deletes old finished Jobs once recorded.
 */
final class BackupRuns {
  /** Finished Jobs kept for kubectl logs; older ones are deleted once recorded. */
  static final int FINISHED_JOBS_KEPT = 3;
  private static final Logger LOG = LoggerFactory.getLogger(BackupRuns.class);

  private final Jobs jobs;
  private final JobOutcomeReader outcomes;
  private final BackupJobBuilder jobBuilder;
  private final BackupRecorder recorder;
  private final EventRecorder events;
  private final RunMetrics metrics;

  BackupRuns(Jobs jobs, JobOutcomeReader outcomes, BackupJobBuilder jobBuilder, BackupRecorder recorder,
      EventRecorder events, RunMetrics metrics) {
    this.metrics = metrics;
    this.jobs = jobs;
    this.outcomes = outcomes;
    this.jobBuilder = jobBuilder;
    this.recorder = recorder;
    this.events = events;
  }

  /**
   * The policy's run Jobs, oldest first: those the informer holds, plus the Job of the run the
   * status says is running even when the informer has not caught up with its creation. A Job that
   * no longer exists at all ends its run as failed.
   */
  List<Job> current(BackupPolicy policy, BackupPolicyStatus status, List<Job> informed, Instant now) {
    List<Job> all = new ArrayList<>(informed.stream().filter(job -> JobOutcomeReader.backupId(job) != null).toList());
    all.sort(Comparator.comparing(JobOutcomeReader::backupId));
    all.forEach(job -> adoptUnrecorded(policy, status, job, now));
    var running = status.lastBackup;
    if (running == null || running.phase != BackupPhase.Running || running.job == null
        || all.stream().anyMatch(job -> running.id.equals(JobOutcomeReader.backupId(job)))) {
      return all;
    }
    var job = jobs.find(policy.getMetadata().getNamespace(), running.job);
    if (job.isPresent()) {
      all.add(job.get());
      all.sort(Comparator.comparing(JobOutcomeReader::backupId));
      return all;
    }
    if (RunStages.holdsOutcome(policy, status, running.id)) {
      return all; // its after hooks run first; then RunStages fails the run for the missing Job
    }
    String message = "backup Job " + running.job + " disappeared before it finished (deleted?)";
    recorder.finished(status, new JobOutcomeReader.Outcome(running.id, running.job, BackupPhase.Failed, null, message,
        running.startTime, null), null, now);
    events.warning(policy, Reasons.BACKUP_FAILED, "backup " + running.id + " failed: " + message);
    return all;
  }

  /**
   * A run whose Job exists but whose start the status does not hold (the operator died between
   * creating the Job and writing status) is recorded as started now, from the Job: its slot and
   * manual trigger are consumed, so the same run is not started a second time once it ends.
   */
  private void adoptUnrecorded(BackupPolicy policy, BackupPolicyStatus status, Job job, Instant now) {
    String id = JobOutcomeReader.backupId(job);
    String known = status.lastBackup == null ? null : status.lastBackup.id;
    if (known != null && id.compareTo(known) <= 0) {
      return;
    }
    var annotations = job.getMetadata().getAnnotations();
    RunPlanner.Trigger trigger = RunPlanner.Trigger.Manual.name().equals(annotations.get(Lifeboat.TRIGGER_ANNOTATION))
        ? RunPlanner.Trigger.Manual : RunPlanner.Trigger.Scheduled;
    RunPlanner.Run run = new RunPlanner.Run(id, trigger, Times.parse(annotations.get(Lifeboat.SCHEDULE_SLOT_ANNOTATION)),
        annotations.get(Lifeboat.MANUAL_TRIGGER_ANNOTATION));
    Instant created = Times.parse(job.getMetadata().getCreationTimestamp());
    recorder.started(status, run, job.getMetadata().getName(), created == null ? now : created);
    LOG.info("backup {} of {}/{}: Job {} has no record in status (the operator stopped before writing it); "
        + "recorded as started", id, policy.getMetadata().getNamespace(), policy.getMetadata().getName(),
        job.getMetadata().getName());
  }

  /** Records each finished, unrecorded Job; with invalid rules (null) they wait until the spec is fixed. */
  void recordFinished(BackupPolicy policy, BackupPolicyStatus status, List<Job> runJobs, RetentionRules rules,
      Instant now) {
    if (rules == null) {
      return; // keptBy needs valid rules
    }
    for (Job job : runJobs) {
      if (recorder.isRecorded(status, JobOutcomeReader.backupId(job))
          || RunStages.holdsOutcome(policy, status, JobOutcomeReader.backupId(job))) {
        continue;
      }
      outcomes.read(job).ifPresent(outcome -> {
        recorder.finished(status, outcome, rules, now);
        announce(policy, outcome);
      });
    }
  }

  /**
   * Ends each unfinished, unrecorded run whose pod cannot start ({@link StuckPods}: a missing Secret
   * or key, an image that cannot be pulled, no node fits) as Failed, with the kubelet's or
   * scheduler's message and a BackupFailed Event; its Job is deleted once the status says so
   * ({@link #deleteGivenUp}). Returns what the pods of the runs still going say about starting, for
   * when to look again.
   */
  List<StuckPods.Start> failStuck(BackupPolicy policy, BackupPolicyStatus status, List<Job> runJobs, Instant now) {
    List<StuckPods.Start> going = new ArrayList<>();
    for (Job job : runJobs) {
      String id = JobOutcomeReader.backupId(job);
      if (JobOutcomeReader.finished(job) || recorder.isRecorded(status, id)) {
        continue;
      }
      StuckPods.Start start = StuckPods.of(jobs, job);
      Optional<Problem> stuck = start.stuck(job, now);
      if (stuck.isEmpty()) {
        going.add(start);
        continue;
      }
      if (RunStages.holdsOutcome(policy, status, id)) {
        continue; // a run with hooks ends once its after hooks ran (RunStages)
      }
      String message = stuck.get().message();
      recorder.finished(status, new JobOutcomeReader.Outcome(id, job.getMetadata().getName(), BackupPhase.Failed, null,
          message, job.getStatus() == null ? null : job.getStatus().getStartTime(), Times.rfc3339(now)), null, now);
      events.warning(policy, Reasons.BACKUP_FAILED, "backup " + id + " failed: " + message);
      metrics.backupFinished(policy.getMetadata().getNamespace(), policy.getMetadata().getName(), BackupPhase.Failed);
      LOG.info("backup {} of {}/{} failed: {}", id, policy.getMetadata().getNamespace(), policy.getMetadata().getName(),
          message);
    }
    return going;
  }

  /**
   * Whether a run is going: its Job has not finished and status does not already hold its outcome,
   * or status says it is running in a stage before its Job (taking snapshots).
   */
  boolean active(List<Job> runJobs, BackupPolicyStatus status) {
    return staged(status) || runJobs.stream().anyMatch(job -> !JobOutcomeReader.finished(job)
        && !recorder.isRecorded(status, JobOutcomeReader.backupId(job)));
  }

  /** The run is going, in a stage before its Job exists. */
  static boolean staged(BackupPolicyStatus status) {
    return status.lastBackup != null && status.lastBackup.phase == BackupPhase.Running && status.lastBackup.job == null
        && status.lastBackup.stage != null;
  }

  /**
   * Deletes the Jobs of runs given up on (unfinished, yet recorded as failed): called once the
   * status saying so is written, so a failed delete is retried and a failed write never loses the
   * reason.
   */
  void deleteGivenUp(List<Job> runJobs, BackupPolicyStatus status) {
    for (Job job : runJobs) {
      if (!JobOutcomeReader.finished(job) && recorder.isRecorded(status, JobOutcomeReader.backupId(job))) {
        LOG.info("deleting Job {}/{}: its pod cannot start", job.getMetadata().getNamespace(), job.getMetadata().getName());
        jobs.delete(job.getMetadata().getNamespace(), job.getMetadata().getName());
      }
    }
  }

  /** Whether a Job has ended, by finishing or by a pod that cannot start ({@link StuckPods}). */
  boolean ended(Job job, Instant now) {
    return JobOutcomeReader.finished(job) || StuckPods.of(jobs, job).stuck(job, now).isPresent();
  }

  /**
   * Records how a run with hooks ended, once its after hooks ran: Failed with {@code
   * run.failure} (e.g. a before hook failed, no Job was made), else as its Job ended; the hook
   * results stay with the run and hook failures it went on despite are among its warnings.
   */
  void finishHeld(BackupPolicy policy, BackupPolicyStatus status, Job job, RetentionRules rules, List<String> hookWarnings,
      Instant now) {
    BackupRun held = status.lastBackup;
    JobOutcomeReader.Outcome outcome;
    if (held.failure != null || job == null) {
      String message = held.failure != null ? held.failure
          : "backup Job " + held.job + " disappeared before it finished (deleted?)";
      outcome = new JobOutcomeReader.Outcome(held.id, held.job, BackupPhase.Failed, null, message, held.startTime, null);
    } else {
      outcome = outcomes.read(job).orElseGet(() -> new JobOutcomeReader.Outcome(held.id, held.job, BackupPhase.Failed,
          null, StuckPods.of(jobs, job).stuck(job, now).map(Problem::message).orElse("the Job did not finish"),
          held.startTime, Times.rfc3339(now)));
    }
    recorder.finished(status, outcome, rules, now);
    BackupRun done = status.lastBackup;
    done.stage = held.stage;
    done.hooksStarted = held.hooksStarted;
    done.hooks = held.hooks;
    done.reason = held.reason; // e.g. SnapshotFailed, for LastBackupSucceeded
    if (!hookWarnings.isEmpty()) {
      List<String> warnings = new ArrayList<>(hookWarnings);
      if (done.warnings != null) {
        warnings.addAll(done.warnings);
      }
      done.warnings = warnings;
    }
    announce(policy, outcome, !hookWarnings.isEmpty());
  }

  /** One Event per finished run; anything but a clean success is a Warning a user sees in kubectl describe. */
  private void announce(BackupPolicy policy, JobOutcomeReader.Outcome outcome) {
    announce(policy, outcome, false);
  }

  private void announce(BackupPolicy policy, JobOutcomeReader.Outcome outcome, boolean hookWarned) {
    metrics.backupFinished(policy.getMetadata().getNamespace(), policy.getMetadata().getName(), outcome.phase());
    String backup = "backup " + outcome.backupId();
    boolean warned = hookWarned || outcome.result() != null && outcome.result().warnings() != null
        && !outcome.result().warnings().isEmpty();
    switch (outcome.phase()) {
      case Succeeded -> {
        if (warned) {
          events.warning(policy, Reasons.SUCCEEDED_WITH_WARNINGS, backup + " succeeded with warnings: " + outcome.message());
        } else {
          events.normal(policy, Reasons.BACKUP_SUCCEEDED, backup + " succeeded: " + outcome.message());
        }
      }
      case PartiallyFailed -> events.warning(policy, Reasons.PARTIALLY_FAILED, backup + " left data out: "
          + outcome.message());
      default -> events.warning(policy, Reasons.BACKUP_FAILED, backup + " failed: " + outcome.message());
    }
    LOG.info("backup {} of {}/{}: {}", outcome.backupId(), policy.getMetadata().getNamespace(),
        policy.getMetadata().getName(), outcome.phase());
  }

  /**
   * Starts a run: with hooks, its stages begin ({@link RunStages}; the Job comes later, see
   * {@link #startJob}); without, its Job. {@code pins} are backups a restore is reading, which
   * retention must keep.
   */
  void start(BackupPolicy policy, BackupPolicyStatus status, RunPlanner.Run run, ClaimResolver.Claims claims,
      List<String> pins, Instant now) {
    if (RunStages.hasHooks(policy.getSpec())) {
      recorder.started(status, run, null, now);
      RunStages.begin(status.lastBackup);
      events.normal(policy, Reasons.BACKUP_STARTED, run.trigger() + " backup " + run.backupId()
          + " started: before hooks first");
    } else {
      Job job = createJob(policy, status, run, claims, pins, Map.of(), now);
      recorder.started(status, run, job.getMetadata().getName(), now);
      events.normal(policy, Reasons.BACKUP_STARTED, run.trigger() + " backup " + run.backupId() + " started in Job "
          + job.getMetadata().getName());
    }
    LOG.info("started {} backup {} of {}/{}", run.trigger(), run.backupId(), policy.getMetadata().getNamespace(),
        policy.getMetadata().getName());
  }

  /** Starts the Job of the run status holds (its Copying stage), once its before hooks ran. */
  void startJob(BackupPolicy policy, BackupPolicyStatus status, ClaimResolver.Claims claims, List<String> pins,
      Instant now) {
    BackupRun running = status.lastBackup;
    RunPlanner.Run run = new RunPlanner.Run(running.id, RunPlanner.Trigger.Manual.name().equals(running.trigger)
        ? RunPlanner.Trigger.Manual : RunPlanner.Trigger.Scheduled, null, null);
    Job job = createJob(policy, status, run, claims, pins, Map.of(), now);
    running.job = job.getMetadata().getName();
    LOG.info("backup {} of {}/{}: before hooks done, started Job {}", run.backupId(), policy.getMetadata().getNamespace(),
        policy.getMetadata().getName(), running.job);
  }

  /**
   * Starts the Job of a run that status already holds (stage Copying), reading each claim from the
   * claim {@code readFrom} names for it.
   */
  void startCopying(BackupPolicy policy, BackupPolicyStatus status, RunPlanner.Run run, ClaimResolver.Claims claims,
      List<String> pins, Map<String, String> readFrom, Instant now) {
    Job job = createJob(policy, status, run, claims, pins, readFrom, now);
    status.lastBackup.job = job.getMetadata().getName();
    events.normal(policy, Reasons.SNAPSHOTS_READY, "backup " + run.backupId() + " copies its snapshots in Job "
        + job.getMetadata().getName());
    LOG.info("backup {} of {}/{} copies in Job {}", run.backupId(), policy.getMetadata().getNamespace(),
        policy.getMetadata().getName(), job.getMetadata().getName());
  }

  private Job createJob(BackupPolicy policy, BackupPolicyStatus status, RunPlanner.Run run, ClaimResolver.Claims claims,
      List<String> pins, Map<String, String> readFrom, Instant now) {
    Job job = jobBuilder.build(policy, run, claims, pins, readFrom);
    jobs.createOnce(job);
    JobIdentity.report(new ConditionWriter(status.conditions, policy.getMetadata().getGeneration(), now),
        claims.identity(), policy.getSpec().jobTemplate == null ? null : policy.getSpec().jobTemplate.podSecurityContext,
        jobBuilder.privileged(policy.getMetadata().getNamespace()), "backup Jobs");
    return job;
  }

  /**
   * Ends the running run as Failed before it had a Job (a snapshot failed, say), with {@code reason}
   * for the LastBackupSucceeded condition and a BackupFailed Event.
   */
  void failStaged(BackupPolicy policy, BackupPolicyStatus status, String reason, String message, Instant now) {
    var running = status.lastBackup;
    recorder.finished(status, new JobOutcomeReader.Outcome(running.id, null, BackupPhase.Failed, null, message,
        running.startTime, Times.rfc3339(now)), null, now);
    status.lastBackup.reason = reason;
    events.warning(policy, Reasons.BACKUP_FAILED, "backup " + running.id + " failed: " + message);
    metrics.backupFinished(policy.getMetadata().getNamespace(), policy.getMetadata().getName(), BackupPhase.Failed);
    LOG.info("backup {} of {}/{} failed: {}", running.id, policy.getMetadata().getNamespace(),
        policy.getMetadata().getName(), message);
  }

  /** Deletes all but the newest few finished Jobs that status already holds the outcome of. */
  void deleteOld(List<Job> runJobs, BackupPolicyStatus status) {
    List<Job> recordedFinished = runJobs.stream()
        .filter(JobOutcomeReader::finished)
        .filter(job -> recorder.isRecorded(status, JobOutcomeReader.backupId(job)))
        .toList();
    for (int i = 0; i < recordedFinished.size() - FINISHED_JOBS_KEPT; i++) {
      Job old = recordedFinished.get(i);
      jobs.delete(old.getMetadata().getNamespace(), old.getMetadata().getName());
    }
  }
}
