package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.ClaimSnapshot;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.common.Problem;
import dev.lifeboat.common.Times;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The Snapshotting stage of a run: takes a VolumeSnapshot of each claim listed in
 * status.lastBackup.snapshots (creating those not there yet, so a restarted operator carries on),
 * records how ready each is, and says whether the stage is done. One entry point, {@link #advance};
 * it never waits: a pending stage asks to be looked at again.
 */
final class SnapshotStage {
  /** How often pending snapshots are looked at (they are polled, not watched). */
  static final Duration POLL = Duration.ofSeconds(5);

  private final Snapshots snapshots;

  SnapshotStage(Snapshots snapshots) {
    this.snapshots = snapshots;
  }

  /**
   * Where the stage is: still taking snapshots (look again at {@code wakeAt}), all ready, or failed
   * (the reason for LastBackupSucceeded and a message naming the snapshot).
   */
  record Outcome(boolean ready, Problem failure, Instant wakeAt) {
    static Outcome pending(Instant wakeAt) {
      return new Outcome(false, null, wakeAt);
    }

    boolean pending() {
      return !ready && failure == null;
    }
  }

  /**
   * One look at the snapshots of {@code run} (the running run in the status being written; its
   * snapshots list is updated). The stage fails when the API is not served, when a snapshot reports
   * an error (its own message), or when one is not ready spec.snapshotTimeoutSeconds after the stage
   * began (run.stageStartTime).
   */
  Outcome advance(BackupPolicy policy, BackupRun run, Instant now) {
    String namespace = policy.getMetadata().getNamespace();
    int timeout = policy.getSpec().snapshotTimeoutSeconds == null ? 600 : policy.getSpec().snapshotTimeoutSeconds;
    Instant began = Optional.ofNullable(Times.parse(run.stageStartTime)).orElse(now);
    Instant deadline = began.plusSeconds(timeout);
    boolean allReady = true;
    Problem timedOut = null;
    for (ClaimSnapshot entry : run.snapshots) {
      Optional<VolumeSnapshot> found = snapshots.find(namespace, entry.snapshot);
      if (found.isEmpty()) {
        try {
          snapshots.createOnce(Snapshots.desired(policy, run.id, entry.claim));
        } catch (Snapshots.Unavailable e) {
          return new Outcome(false, new Problem(Reasons.SNAPSHOTS_UNAVAILABLE, e.getMessage()), null);
        }
      }
      Snapshots.Observed observed = Snapshots.state(found.orElse(null), deadline, now);
      entry.readyToUse = observed.state() == Snapshots.State.Ready ? Boolean.TRUE
          : found.map(s -> s.getStatus() == null ? null : s.getStatus().readyToUse).orElse(null);
      entry.error = observed.message();
      switch (observed.state()) {
        case Failed -> {
          return new Outcome(false, new Problem(Reasons.SNAPSHOT_FAILED, "VolumeSnapshot " + entry.snapshot
              + " of PersistentVolumeClaim " + entry.claim + " failed: " + observed.message()), null);
        }
        case TimedOut -> {
          allReady = false;
          if (timedOut == null) {
            timedOut = new Problem(Reasons.SNAPSHOT_TIMEOUT, "VolumeSnapshot " + entry.snapshot
                + " of PersistentVolumeClaim " + entry.claim + " was not ready to use within "
                + "spec.snapshotTimeoutSeconds (" + timeout + " s); check its VolumeSnapshotClass and CSI driver");
          }
        }
        case Pending -> allReady = false;
        case Ready -> { }
      }
    }
    if (timedOut != null) {
      return new Outcome(false, timedOut, null);
    }
    if (allReady) {
      return new Outcome(true, null, null);
    }
    Instant next = now.plus(POLL);
    return Outcome.pending(next.isAfter(deadline) ? deadline : next);
  }
}
