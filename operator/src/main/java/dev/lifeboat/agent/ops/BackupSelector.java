package dev.lifeboat.agent.ops;

import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.DamagedManifestException;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.common.BackupPick;
import dev.lifeboat.common.Times;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Resolves latest / an id / --before TIME against the complete backups ({@link BackupPick}'s
 * rules, shared with the operator), and a claim within one.
 */
public final class BackupSelector {
  private BackupSelector() {}

  /**
   * The backup to read. A damaged backup (its manifest unreadable) is never chosen: named by id it
   * fails with what is wrong with it; otherwise it is skipped, with a warning on stderr when it is
   * newer than the one chosen, so nobody restores an older backup unaware.
   */
  public static Manifest select(BackupRepository repository, String backup, Instant before) {
    BackupRepository.Listing listing = repository.scan();
    List<Manifest> complete = listing.complete();
    String where = repository.namespace() + "/" + repository.policy();
    for (DamagedBackup damaged : listing.damaged()) {
      if (damaged.id().equals(backup)) {
        throw new DamagedManifestException(backup, "backup " + backup + " is damaged: " + damaged.problem(), null);
      }
    }
    if (backup != null && listing.incomplete().contains(backup)) {
      throw new IllegalArgumentException("--backup: backup " + backup + " is incomplete: "
          + repository.incompleteProblem(backup));
    }
    if (complete.isEmpty()) {
      throw new IllegalArgumentException("no complete backup of " + where + " in the repository"
          + listing.damaged().stream().map(d -> "; damaged: " + d.problem()).findFirst().orElse(""));
    }
    Optional<Manifest> chosen = BackupPick.pick(complete, Manifest::id,
        Manifest::regular, backup, before);
    chosen.ifPresent(c -> listing.damaged().stream()
        .filter(d -> d.id().compareTo(c.id()) > 0)
        .filter(d -> before == null || !Times.fromBackupId(d.id()).isAfter(before))
        .forEach(d -> System.err.println("warning: skipped damaged backup " + d.id() + ": " + d.problem())));
    if (before != null) {
      return chosen.orElseThrow(() -> new IllegalArgumentException("--before: no backup of " + where + " at or before "
          + Times.rfc3339(before) + "; the oldest is " + complete.get(complete.size() - 1).id()));
    }
    if (backup == null || backup.equals("latest")) {
      return chosen.orElseThrow(() -> new IllegalArgumentException(
          "no backup of " + where + " other than safety (pre-restore) backups and partial ones; name one with --backup ID"));
    }
    return chosen.orElseThrow(() -> new IllegalArgumentException("--backup: backup " + backup + " of " + where
        + " does not exist or is incomplete"));
  }

  public static Manifest.Volume volume(Manifest manifest, String claim) {
    List<String> claims = manifest.volumes().stream().map(Manifest.Volume::claim).toList();
    if (claims.isEmpty()) {
      throw new IllegalArgumentException("backup " + manifest.id() + " holds no volume, only the dumps "
          + manifest.dumpList().stream().map(Manifest.Dump::name).toList() + "; restore one with --dump NAME --to-command DIR");
    }
    if (claim == null || claim.isBlank()) {
      if (claims.size() == 1) {
        return manifest.volumes().get(0);
      }
      throw new IllegalArgumentException("--claim: backup " + manifest.id() + " holds several volumes " + claims
          + "; choose one");
    }
    Manifest.Volume volume = manifest.volume(claim);
    if (volume == null) {
      throw new IllegalArgumentException("--claim: backup " + manifest.id() + " has no volume '" + claim
          + "'; it holds " + claims);
    }
    return volume;
  }

  /** The dump of this name; dumps are always named (a backup may hold a volume too). */
  public static Manifest.Dump dump(Manifest manifest, String name) {
    Manifest.Dump dump = manifest.dump(name);
    if (dump == null) {
      List<String> names = manifest.dumpList().stream().map(Manifest.Dump::name).toList();
      throw new IllegalArgumentException("--dump: backup " + manifest.id() + " has no dump '" + name + "'; it holds "
          + (names.isEmpty() ? "none" : names.toString()));
    }
    return dump;
  }
}
