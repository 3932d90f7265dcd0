package dev.lifeboat.agent.ops;

import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Times;
import dev.lifeboat.retention.BackupRef;
import dev.lifeboat.retention.RetentionDecision;
import dev.lifeboat.retention.RetentionRules;
import dev.lifeboat.retention.RetentionSelector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies retention to one policy's prefix: GFS over complete scheduled backups (the pure
 * RetentionSelector decides), pre-restore safety backups and partial backups (which left data out)
 * kept 7 days outside GFS counting, and
 * leftovers of interrupted runs (no manifest, older than a day) cleaned up. A backup an unexpired
 * pin object names ({@link Pins}) is never deleted: the pins are read again right before each
 * delete, so a drill that pinned a backup after this pass listed the repository is still honoured.
 */
public final class RetentionOperation {
  static final Duration INCOMPLETE_GRACE = Duration.ofHours(24);
  /** How long safety (pre-restore) and partial backups are kept, outside GFS counting. */
  static final Duration OUTSIDE_RETENTION_KEPT = Duration.ofDays(7);

  private final BackupRepository repository;
  private final Clock clock;
  private final Pins pins;

  public RetentionOperation(BackupRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
    this.pins = new Pins(repository, clock);
  }

  public AgentResult.Retention apply(RetentionRules rules, boolean dryRun) {
    BackupRepository.Listing listing = repository.scan();
    return apply(rules, dryRun, listing.complete(), listing.damaged());
  }

  /**
   * As {@link #apply(RetentionRules, boolean)}, over a listing the caller already holds (newest
   * first). Damaged backups are not in {@code complete}, so they are neither counted nor deleted
   * (their manifest.json also keeps the leftover cleanup away); they are reported.
   */
  public AgentResult.Retention apply(RetentionRules rules, boolean dryRun, List<Manifest> complete,
      List<DamagedBackup> damaged) {
    Instant now = clock.instant();
    List<Manifest> scheduled = complete.stream().filter(Manifest::regular).toList();
    RetentionDecision decision = RetentionSelector.select(scheduled.stream()
        .map(m -> new BackupRef(m.id(), Times.fromBackupId(m.id()), m.suspicious())).toList(), rules);
    List<String> prune = new ArrayList<>(decision.prune().stream().map(BackupRef::id).toList());
    complete.stream()
        .filter(m -> !m.regular())
        .filter(m -> Times.fromBackupId(m.id()).isBefore(now.minus(OUTSIDE_RETENTION_KEPT)))
        .filter(m -> !rules.pinned().contains(m.id()))
        .forEach(m -> prune.add(m.id()));
    List<String> pinned = new ArrayList<>();
    for (String id : List.copyOf(prune)) {
      // Read right before each delete, not once per pass: a drill may have pinned the backup since this pass listed.
      if (pins.held(!dryRun).contains(id)) {
        prune.remove(id);
        pinned.add(id);
      } else if (!dryRun) {
        repository.delete(id);
      }
    }
    if (prune.isEmpty() && pinned.isEmpty()) {
      pins.held(!dryRun); // nothing to delete, but expired pins are still cleaned up
    }
    List<String> leftovers = List.of();
    if (!dryRun) {
      // Named in the result: a folder whose manifest someone deleted looks exactly like an interrupted run's.
      leftovers = repository.incompleteOlderThan(now.minus(INCOMPLETE_GRACE));
      leftovers.forEach(repository::delete);
      repository.abortIncompleteUploads(now.minus(INCOMPLETE_GRACE));
    }
    Set<String> pruned = Set.copyOf(prune);
    List<Manifest> kept = complete.stream().filter(m -> !pruned.contains(m.id())).collect(Collectors.toList());
    return new AgentResult.Retention(kept.size(), prune.size(), prune,
        kept.isEmpty() ? null : kept.get(kept.size() - 1).endTime(),
        kept.isEmpty() ? null : kept.get(0).endTime(),
        kept.stream().mapToLong(Manifest::bytes).sum(), null, pinned.isEmpty() ? null : pinned,
        damaged.isEmpty() ? null : damaged, damaged.isEmpty() ? null : damaged.size(),
        leftovers.isEmpty() ? null : leftovers);
  }
}
