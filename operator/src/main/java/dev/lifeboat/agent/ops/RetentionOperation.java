package dev.lifeboat.agent.ops;

import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.DamagedManifestException;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
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
    Set<String> deleted = new HashSet<>();
    LaterBackups later = new LaterBackups(complete, damaged, now);
    // Newest first: a backup deleted later in the pass no longer holds the archives it shared with an older one.
    for (String id : prune.stream().sorted(Comparator.reverseOrder()).toList()) {
      // Read right before each delete, not once per pass: a drill may have pinned the backup since this pass listed.
      if (pins.held(!dryRun).contains(id)) {
        prune.remove(id);
        pinned.add(id);
      } else if (!dryRun) {
        deleted.add(id);
        repository.delete(id, stillReferenced(complete, deleted, later));
      }
    }
    if (prune.isEmpty() && pinned.isEmpty()) {
      pins.held(!dryRun); // nothing to delete, but expired pins are still cleaned up
    }
    List<String> leftovers = List.of();
    if (!dryRun) {
      // Named in the result: a folder whose manifest someone deleted looks exactly like an interrupted run's.
      Set<String> referenced = stillReferenced(complete, deleted, later);
      leftovers = new ArrayList<>();
      for (String id : repository.incompleteOlderThan(now.minus(INCOMPLETE_GRACE))) {
        // A deleted backup's archives that later backups still refer to stay; only the rest goes.
        if (repository.delete(id, referenced) == 0) {
          leftovers.add(id);
        }
      }
      repository.abortIncompleteUploads(now.minus(INCOMPLETE_GRACE));
    }
    Set<String> pruned = Set.copyOf(prune);
    List<Manifest> kept = complete.stream().filter(m -> !pruned.contains(m.id())).collect(Collectors.toList());
    return new AgentResult.Retention(kept.size(), prune.size(), prune,
        kept.isEmpty() ? null : kept.get(kept.size() - 1).endTime(),
        kept.isEmpty() ? null : kept.get(0).endTime(),
        storedBytes(kept), null, pinned.isEmpty() ? null : pinned,
        damaged.isEmpty() ? null : damaged, damaged.isEmpty() ? null : damaged.size(),
        leftovers.isEmpty() ? null : leftovers);
  }

  /**
   * The archives that the backups not deleted (so far) refer to, and those that backups written since
   * this pass listed the repository refer to. Read after the pins: a backup that built on one about to
   * be deleted either still pins it or has written its manifest by then.
   */
  private Set<String> stillReferenced(List<Manifest> complete, Set<String> deleted, LaterBackups later) {
    List<Manifest> alive = new ArrayList<>(complete.stream().filter(m -> !deleted.contains(m.id())).toList());
    alive.addAll(later.refresh());
    return repository.referencedKeys(alive);
  }

  /**
   * Backups that appeared after the listing this pass works from: another cluster's backup, or a
   * safety backup taken while this one ran, may refer to archives of a backup this pass deletes.
   */
  private final class LaterBackups {
    private final Set<String> known = new HashSet<>();
    private final List<Manifest> found = new ArrayList<>();
    private final Instant settledBefore;

    LaterBackups(List<Manifest> complete, List<DamagedBackup> damaged, Instant now) {
      complete.forEach(m -> known.add(m.id()));
      damaged.forEach(d -> known.add(d.id()));
      // A folder without manifest older than a day holds no running backup: it need not be read again.
      settledBefore = now.minus(INCOMPLETE_GRACE);
    }

    List<Manifest> refresh() {
      for (String id : repository.allIds()) {
        if (known.contains(id)) {
          continue;
        }
        try {
          Optional<Manifest> manifest = repository.manifest(id);
          manifest.ifPresent(found::add);
          if (manifest.isPresent() || Times.fromBackupId(id).isBefore(settledBefore)) {
            known.add(id);
          }
        } catch (DamagedManifestException e) {
          known.add(id);
        }
      }
      return found;
    }
  }

  /** What the kept backups store together: an archive several of them share counts once. */
  private long storedBytes(List<Manifest> kept) {
    Map<String, Long> sizes = new HashMap<>();
    for (Manifest m : kept) {
      m.allLayers().forEach(l -> sizes.put(repository.key(l), l.size()));
      m.dumpList().forEach(d -> sizes.put(repository.key(m.id(), d.object()), d.size()));
    }
    return sizes.values().stream().mapToLong(Long::longValue).sum();
  }
}
