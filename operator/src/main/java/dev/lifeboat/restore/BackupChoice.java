package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreSource;
import dev.lifeboat.common.BackupPick;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.Times;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks the backup a RestoreRequest restores from the repository's listing, with the agent's own
 * rules ({@link BackupPick}).
 * Pure. The operator resolves once and hands the agent the exact id, so status says what is restored.
 */
public final class BackupChoice {
  private BackupChoice() {}

  /** The backup chosen, or why none can be. */
  public static Checked<ListedBackup> choose(RestoreSource source, ResolvedSource where, List<ListedBackup> listing) {
    List<ListedBackup> newestFirst = listing.stream().sorted(Comparator.comparing(ListedBackup::id).reversed()).toList();
    String repository = where.describe();
    Instant before = null;
    String wanted;
    if (source.before != null) {
      try {
        before = Times.parse(source.before);
      } catch (DateTimeParseException e) {
        return Checked.problem(Reasons.INVALID_SPEC, "spec.source.before: '" + source.before
            + "' is not an RFC 3339 time such as 2025-11-09T02:00:00Z");
      }
      wanted = "a backup at or before " + source.before + " (spec.source.before)";
    } else if (source.backup == null || source.backup.equals("latest")) {
      wanted = "a backup";
    } else {
      wanted = "backup " + source.backup + " (spec.source.backup)";
    }
    if (source.dump != null && (source.backup == null || source.backup.equals("latest") || before != null)) {
      // A dump added to the policy later is not in older backups: the newest one holding it.
      wanted = wanted + " holding dump " + source.dump;
    }
    Optional<ListedBackup> chosen = BackupPick.pick(newestFirst, ListedBackup::id,
        b -> b.regular() && (source.dump == null || holds(b, source.dump)), source.backup, before);
    if (chosen.isEmpty()) {
      String present = newestFirst.isEmpty() ? "it holds no complete backup"
          : "it holds " + newestFirst.size() + " backup(s), newest " + newestFirst.get(0).id() + ", oldest "
              + newestFirst.get(newestFirst.size() - 1).id();
      return Checked.problem(Reasons.BACKUP_NOT_FOUND, "no " + wanted.replaceFirst("^a ", "") + " in " + repository + ": "
          + present);
    }
    ListedBackup backup = chosen.get();
    Optional<String> missing = source.dump != null ? dumpProblem(source, backup) : volumeProblem(source, backup);
    if (missing.isPresent()) {
      return Checked.problem(Reasons.CLAIM_NOT_IN_BACKUP, missing.get());
    }
    if (backup.keyId() != null && where.encryption() == null) {
      return Checked.problem(Reasons.KEY_MISSING, "backup " + backup.id()
          + " is encrypted (key id " + backup.keyId() + ") and no key is given: set spec.source.repository.encryption,"
          + " or spec.encryption of the policy");
    }
    return Checked.of(backup);
  }

  /** The volume of the backup restored: the named one, else its only one; null for a backup of dumps only. */
  public static String claim(RestoreSource source, ListedBackup backup) {
    if (source.claim != null) {
      return source.claim;
    }
    return backup.volumes() == null || backup.volumes().isEmpty() ? null : backup.volumes().get(0);
  }

  private static Optional<String> dumpProblem(RestoreSource source, ListedBackup backup) {
    if (holds(backup, source.dump)) {
      return Optional.empty();
    }
    return Optional.of("spec.source.dump: backup " + backup.id() + " has no dump '" + source.dump + "'; it holds "
        + (backup.dumps() == null || backup.dumps().isEmpty() ? "no dumps" : "dump(s) " + String.join(", ", backup.dumps())));
  }

  private static Optional<String> volumeProblem(RestoreSource source, ListedBackup backup) {
    List<String> volumes = backup.volumes() == null ? List.of() : backup.volumes();
    if (volumes.isEmpty()) {
      return Optional.of("backup " + backup.id() + " holds no volume, only dump(s) "
          + String.join(", ", backup.dumps() == null ? List.of() : backup.dumps())
          + "; restore one with spec.source.dump and spec.target.command");
    }
    if (source.claim != null && !volumes.contains(source.claim)) {
      return Optional.of("spec.source.claim: backup " + backup.id() + " has no volume '" + source.claim + "'; it holds "
          + String.join(", ", volumes));
    }
    if (source.claim == null && volumes.size() > 1) {
      return Optional.of("spec.source.claim: backup " + backup.id() + " holds several volumes ("
          + String.join(", ", volumes) + "); name the one to restore");
    }
    return Optional.empty();
  }

  private static boolean holds(ListedBackup backup, String dump) {
    return backup.dumps() != null && backup.dumps().contains(dump);
  }
}
