package dev.lifeboat.common;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one rule for which backup latest, an id or before TIME means, used by the agent (over
 * manifests) and by the operator (over a listing): latest and before skip safety (pre-restore)
 * backups, so undoing a restore is always a deliberate act by id; before compares the backup's
 * start time, its id. Pure; callers word their own errors.
 */
public final class BackupPick {
  private BackupPick() {}

  /**
   * @param newestFirst complete backups, newest first
   * @param regular whether a backup may be chosen as latest or by time (not pre-restore, not partial)
   * @param backup latest (or null) or an id; ignored when {@code before} is given
   */
  public static <T> Optional<T> pick(List<T> newestFirst, Function<T, String> id, Predicate<T> regular,
      String backup, Instant before) {
    if (before != null) {
      return newestFirst.stream().filter(regular)
          .filter(b -> !Times.fromBackupId(id.apply(b)).isAfter(before)).findFirst();
    }
    if (backup == null || backup.equals("latest")) {
      return newestFirst.stream().filter(regular).findFirst();
    }
    return newestFirst.stream().filter(b -> id.apply(b).equals(backup)).findFirst();
  }
}
