package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.VerificationResult;
import dev.lifeboat.api.v1alpha1.VerifySpec;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.Problem;
import dev.lifeboat.common.StuckPods;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A policy's restore drills (spec.verify): starts one when its schedule comes round, records how it
 * ended in status.lastVerification, and keeps only the newest drill's Job. Drills never block
 * backups and backups never block drills: a drill mounts no claim and is not a run. Missed slots
 * collapse into one catch-up drill, as backups do. The drill verifies the newest good backup the
 * status lists; with none yet, the slot is skipped (an Event says so) and VerificationOverdue keeps
 * counting.
 */
final class RestoreDrills {
  static final String RUNNING = "Running";
  static final String SUCCEEDED = "Succeeded";
  static final String FAILED = "Failed";
  private static final Logger LOG = LoggerFactory.getLogger(RestoreDrills.class);

  private final Jobs jobs;
  private final JobOutcomeReader outcomes;
  private final BackupJobBuilder builder;
  private final EventRecorder events;

  RestoreDrills(Jobs jobs, JobOutcomeReader outcomes, BackupJobBuilder builder, EventRecorder events) {
    this.jobs = jobs;
    this.outcomes = outcomes;
    this.builder = builder;
    this.events = events;
  }

  static boolean scheduled(BackupPolicy policy) {
    VerifySpec verify = policy.getSpec().verify;
    return verify != null && verify.schedule != null && !verify.schedule.isBlank();
  }

  /**
   * Records a drill that ended, starts one that is due, and says when the next is due
   * (status.nextVerification). What a drill's pod says about starting is added to {@code starting}.
   */
  void advance(BackupPolicy policy, BackupPolicyStatus status, List<Job> informed, Instant now,
      List<StuckPods.Start> starting) {
    List<Job> drills = informed.stream().filter(RestoreDrills::isDrill)
        .sorted(Comparator.comparing(job -> job.getMetadata().getName())).toList();
    adoptUnrecorded(policy, status, drills, now);
    boolean running = status.lastVerification != null && RUNNING.equals(status.lastVerification.result);
    if (running) {
      running = follow(policy, status, drills, now, starting);
    }
    deleteOld(policy, drills, status);
    if (!scheduled(policy)) {
      status.nextVerification = null;
      return;
    }
    var spec = policy.getSpec();
    BackupSchedule schedule = BackupSchedule.parse(spec.verify.schedule,
        ZoneId.of(spec.timeZone == null || spec.timeZone.isBlank() ? "UTC" : spec.timeZone));
    status.nextVerification = schedule.nextAfter(now).map(Times::rfc3339).orElse(null);
    Instant reference = Optional.ofNullable(Times.parse(status.lastVerificationScheduleTime))
        .orElseGet(() -> Times.parse(policy.getMetadata().getCreationTimestamp()));
    Optional<Instant> due = schedule.latestAtOrBefore(now).filter(slot -> reference == null || slot.isAfter(reference));
    if (running || due.isEmpty()) {
      return;
    }
    status.lastVerificationScheduleTime = Times.rfc3339(due.get());
    Optional<String> newest = PolicyConditions.newestGood(status);
    if (newest.isEmpty()) {
      events.normal(policy, Reasons.VERIFICATION_SKIPPED, "no restore drill: there is no good backup to verify yet");
      return;
    }
    start(policy, status, newest.get(), due.get(), now);
    starting.add(StuckPods.Start.ON_ITS_WAY);
  }

  private void start(BackupPolicy policy, BackupPolicyStatus status, String backupId, Instant slot, Instant now) {
    String drillId = Times.backupId(now);
    Job job = builder.drill(policy, drillId, backupId, slot);
    jobs.createOnce(job);
    status.lastVerification = running(backupId, job.getMetadata().getName(), now);
    events.normal(policy, Reasons.VERIFICATION_STARTED, status.lastVerification.message);
  }

  private static VerificationResult running(String backupId, String jobName, Instant started) {
    VerificationResult result = new VerificationResult();
    result.id = backupId;
    result.time = Times.rfc3339(started);
    result.result = RUNNING;
    result.job = jobName;
    result.message = "restore drill of backup " + backupId + " running in Job " + result.job;
    return result;
  }

  /**
   * A drill Job for a slot the status has not consumed (the operator stopped between creating the
   * Job and writing status) is recorded as running, from the Job: the slot is not drilled a second
   * time, and this drill's result is recorded when it ends.
   */
  private void adoptUnrecorded(BackupPolicy policy, BackupPolicyStatus status, List<Job> drills, Instant now) {
    for (Job job : drills) {
      var annotations = job.getMetadata().getAnnotations();
      Instant slot = Times.parse(annotations.get(Lifeboat.SCHEDULE_SLOT_ANNOTATION));
      Instant consumed = Times.parse(status.lastVerificationScheduleTime);
      if (slot == null || consumed != null && !slot.isAfter(consumed)) {
        continue;
      }
      Instant created = Times.parse(job.getMetadata().getCreationTimestamp());
      status.lastVerification = running(annotations.get(Lifeboat.VERIFIED_BACKUP_ANNOTATION), job.getMetadata().getName(),
          created == null ? now : created);
      status.lastVerificationScheduleTime = Times.rfc3339(slot);
      LOG.info("restore drill of {}/{}: Job {} has no record in status (the operator stopped before writing it); "
          + "recorded as running", policy.getMetadata().getNamespace(), policy.getMetadata().getName(),
          job.getMetadata().getName());
    }
  }

  /** The running drill: recorded if it ended (then false), else whether its pod may still start. */
  private boolean follow(BackupPolicy policy, BackupPolicyStatus status, List<Job> drills, Instant now,
      List<StuckPods.Start> starting) {
    VerificationResult current = status.lastVerification;
    Optional<Job> job = drills.stream().filter(j -> j.getMetadata().getName().equals(current.job)).findFirst()
        .or(() -> jobs.find(policy.getMetadata().getNamespace(), current.job));
    if (job.isEmpty()) {
      finish(policy, status, false, "the drill's Job " + current.job + " disappeared before it finished (deleted?)", now);
      return false;
    }
    if (JobOutcomeReader.finished(job.get())) {
      JobOutcomeReader.Outcome outcome = outcomes.read(job.get()).orElseThrow();
      boolean succeeded = outcome.phase() == BackupPhase.Succeeded;
      Instant ended = Optional.ofNullable(Times.parse(outcome.completionTime())).orElse(now);
      finish(policy, status, succeeded, succeeded ? outcome.message() : failure(job.get(), outcome), ended);
      return false;
    }
    StuckPods.Start start = StuckPods.of(jobs, job.get());
    Optional<Problem> stuck = start.stuck(job.get(), now);
    if (stuck.isPresent()) {
      finish(policy, status, false, stuck.get().message(), now);
      jobs.delete(policy.getMetadata().getNamespace(), current.job);
      return false;
    }
    starting.add(start);
    return true;
  }

  /**
   * Why a drill failed: the check's exit and output when the agent found the backup good but the
   * check did not, else the agent's own word (the file, the checksum, SQLite's answer).
   */
  private String failure(Job job, JobOutcomeReader.Outcome outcome) {
    boolean agentGood = outcome.result() != null && outcome.result().succeeded();
    Optional<ContainerStateTerminated> check = jobs.newestPod(job)
        .flatMap(pod -> JobOutcomeReader.termination(pod, Lifeboat.CHECK_CONTAINER));
    if (agentGood && check.isPresent()) {
      ContainerStateTerminated ended = check.get();
      String output = ended.getMessage() == null ? "" : ended.getMessage().strip();
      return "verify.check failed (exit " + ended.getExitCode() + ")" + (output.isEmpty() ? "" : ": " + tail(output));
    }
    return outcome.message();
  }

  private void finish(BackupPolicy policy, BackupPolicyStatus status, boolean succeeded, String message, Instant ended) {
    VerificationResult result = status.lastVerification;
    result.result = succeeded ? SUCCEEDED : FAILED;
    result.time = Times.rfc3339(ended);
    result.message = message;
    if (succeeded) {
      status.lastSuccessfulVerification = result.time;
      events.normal(policy, Reasons.VERIFICATION_SUCCEEDED, "restore drill of backup " + result.id + " succeeded: " + message);
    } else {
      events.warning(policy, Reasons.VERIFICATION_FAILED, "restore drill of backup " + result.id + " failed: " + message);
    }
    LOG.info("restore drill of {}/{} (backup {}): {}", policy.getMetadata().getNamespace(), policy.getMetadata().getName(),
        result.id, result.result);
  }

  /** Finished drill Jobs but the one status names: the newest stays for kubectl logs. */
  private void deleteOld(BackupPolicy policy, List<Job> drills, BackupPolicyStatus status) {
    String keep = status.lastVerification == null ? null : status.lastVerification.job;
    drills.stream().filter(JobOutcomeReader::finished).filter(job -> !job.getMetadata().getName().equals(keep))
        .forEach(job -> jobs.delete(policy.getMetadata().getNamespace(), job.getMetadata().getName()));
  }

  static boolean isDrill(Job job) {
    var annotations = job.getMetadata().getAnnotations();
    return annotations != null && BackupJobBuilder.VERIFY_OPERATION.equals(annotations.get(Lifeboat.OPERATION_ANNOTATION));
  }

  /** The last few lines of a check's output: what a person needs, short enough for a condition. */
  static String tail(String output) {
    List<String> lines = output.lines().toList();
    String text = String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    return text.length() <= 512 ? text : "..." + text.substring(text.length() - 509);
  }
}
