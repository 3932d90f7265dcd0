package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.ClaimSnapshot;
import dev.lifeboat.api.v1alpha1.CopyMethod;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RunStage;
import dev.lifeboat.api.v1alpha1.TemporaryNames;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.Problem;
import dev.lifeboat.common.Times;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs of a copyMethod: Snapshot policy: a run starts in stage Snapshotting (recorded in status
 * before anything is created), waits for its snapshots ({@link SnapshotStage}), then makes a
 * temporary claim from each and starts the Job that reads them (stage Copying). Its temporary
 * objects are deleted once the run ended, whatever the outcome, and any left by an earlier run
 * (an operator that stopped in between) with them.
 */
final class SnapshotRuns {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRuns.class);

  private final Snapshots snapshots;
  private final SnapshotStage stage;
  private final TemporaryClaims temporaryClaims;
  private final ClaimResolver claimResolver;
  private final BackupRuns runs;
  private final BackupRecorder recorder;
  private final ActiveRestores restores;
  private final EventRecorder events;

  SnapshotRuns(Snapshots snapshots, SnapshotStage stage, TemporaryClaims temporaryClaims, ClaimResolver claimResolver,
      BackupRuns runs, BackupRecorder recorder, ActiveRestores restores, EventRecorder events) {
    this.snapshots = snapshots;
    this.stage = stage;
    this.temporaryClaims = temporaryClaims;
    this.claimResolver = claimResolver;
    this.runs = runs;
    this.recorder = recorder;
    this.restores = restores;
    this.events = events;
  }

  static boolean snapshotMode(BackupPolicy policy) {
    return policy.getSpec().copyMethod == CopyMethod.Snapshot;
  }

  /**
   * Records the run as started in stage Snapshotting with the snapshot and temporary claim of each
   * claim; nothing is created yet (the next look does), so a restart in between loses nothing.
   */
  void begin(BackupPolicy policy, BackupPolicyStatus status, RunPlanner.Run run, List<String> claims, Instant now) {
    String name = policy.getMetadata().getName();
    recorder.started(status, run, null, now);
    enterSnapshotting(policy, status.lastBackup, claims, now);
    status.lastBackup.message = status.lastBackup.message + ": taking snapshots";
    events.normal(policy, Reasons.BACKUP_STARTED, run.trigger() + " backup " + run.backupId()
        + " started: taking VolumeSnapshots of " + String.join(", ", claims));
    LOG.info("started {} backup {} of {}/{}: taking snapshots", run.trigger(), run.backupId(),
        policy.getMetadata().getNamespace(), name);
  }

  /**
   * Puts the running run in stage Snapshotting, with the names of each claim's snapshot and temporary
   * claim (its start is what spec.snapshotTimeoutSeconds counts from); nothing is created yet.
   */
  static void enterSnapshotting(BackupPolicy policy, BackupRun running, List<String> claims, Instant now) {
    running.stage = RunStage.Snapshotting;
    running.stageStartTime = Times.rfc3339(now);
    running.snapshots = claims.stream().map(claim -> {
      String temporary = TemporaryNames.of(policy.getMetadata().getName(), running.id, claim);
      return new ClaimSnapshot(claim, temporary, temporary);
    }).toList();
  }

  /**
   * Moves a run in stage Snapshotting on: when its snapshots are all ready, makes the temporary
   * claims and starts the Job (stage Copying); when one failed, ends the run as Failed with the
   * snapshot's message. Returns when to look again while snapshots are pending.
   */
  Optional<Instant> advance(BackupPolicy policy, BackupPolicyStatus status, Instant now) {
    BackupRun running = status.lastBackup;
    if (running == null || running.phase != BackupPhase.Running || running.stage != RunStage.Snapshotting
        || Boolean.TRUE.equals(running.hooksStarted)) {
      return Optional.empty(); // a run with hooks takes its snapshots between them (RunStages)
    }
    SnapshotStage.Outcome outcome = stage.advance(policy, running, now);
    if (outcome.pending()) {
      return Optional.of(outcome.wakeAt());
    }
    if (outcome.failure() != null) {
      runs.failStaged(policy, status, outcome.failure().reason(), outcome.failure().message(), now);
      return Optional.empty();
    }
    startCopying(policy, status, now).ifPresent(problem ->
        runs.failStaged(policy, status, problem.reason(), problem.message(), now));
    return Optional.empty();
  }

  /**
   * Stage Copying: temporary claims from the run's ready snapshots, then the Job reading them where
   * the claims would be. Creating both is idempotent, so a restart in between repeats it harmlessly.
   * Returns why there can be no Job (a claim is gone), for the caller to end the run with.
   */
  Optional<Problem> startCopying(BackupPolicy policy, BackupPolicyStatus status, Instant now) {
    String namespace = policy.getMetadata().getNamespace();
    BackupRun running = status.lastBackup;
    Checked<ClaimResolver.Claims> claims = claimResolver.forSnapshotRun(namespace,
        running.snapshots.stream().map(s -> s.claim).toList());
    if (!claims.ok()) {
      return Optional.of(claims.problem());
    }
    Map<String, String> readFrom = new LinkedHashMap<>();
    for (int i = 0; i < running.snapshots.size(); i++) {
      ClaimSnapshot entry = running.snapshots.get(i);
      PersistentVolumeClaim original = claims.value().claims().get(i);
      VolumeSnapshot snapshot = snapshots.find(namespace, entry.snapshot).orElseThrow(() -> new IllegalStateException(
          "VolumeSnapshot " + namespace + "/" + entry.snapshot + " disappeared while the run used it"));
      temporaryClaims.createOnce(TemporaryClaims.desired(policy, running.id, original, snapshot));
      readFrom.put(entry.claim, entry.temporaryClaim);
    }
    running.stage = RunStage.Copying;
    running.stageStartTime = Times.rfc3339(now);
    RunPlanner.Run run = new RunPlanner.Run(running.id, RunPlanner.Trigger.Manual.name().equals(running.trigger)
        ? RunPlanner.Trigger.Manual : RunPlanner.Trigger.Scheduled, null, null);
    runs.startCopying(policy, status, run, claims.value(),
        restores.backupsBeingRead(namespace, policy.getMetadata().getName()), readFrom, now);
    return Optional.empty();
  }

  /**
   * Deletes the policy's temporary objects of every run but the one running: claims first, then the
   * snapshots they were made from. Called once status is written, so a run's end is on record before
   * what it read goes. Only for policies that take snapshots or whose last run did.
   */
  void sweep(BackupPolicy policy, BackupPolicyStatus status) {
    BackupRun last = status.lastBackup;
    if (!snapshotMode(policy) && (last == null || last.snapshots == null)) {
      return;
    }
    String namespace = policy.getMetadata().getNamespace();
    String name = policy.getMetadata().getName();
    String running = last != null && last.phase == BackupPhase.Running ? last.id : null;
    for (PersistentVolumeClaim claim : temporaryClaims.temporary(namespace, name)) {
      if (leftOver(claim, running)) {
        LOG.info("deleting temporary PersistentVolumeClaim {}/{} of backup {}", namespace, claim.getMetadata().getName(),
            claim.getMetadata().getLabels().get(Lifeboat.BACKUP_ID_LABEL));
        temporaryClaims.delete(namespace, claim.getMetadata().getName());
      }
    }
    for (VolumeSnapshot snapshot : snapshots.temporary(namespace, name)) {
      if (leftOver(snapshot, running)) {
        LOG.info("deleting temporary VolumeSnapshot {}/{} of backup {}", namespace, snapshot.getMetadata().getName(),
            snapshot.getMetadata().getLabels().get(Lifeboat.BACKUP_ID_LABEL));
        snapshots.delete(namespace, snapshot.getMetadata().getName());
      }
    }
  }

  /** Of another run than the running one, and not already on its way out. */
  private static boolean leftOver(HasMetadata object, String runningId) {
    return object.getMetadata().getDeletionTimestamp() == null
        && !Objects.equals(object.getMetadata().getLabels().get(Lifeboat.BACKUP_ID_LABEL), runningId);
  }
}
