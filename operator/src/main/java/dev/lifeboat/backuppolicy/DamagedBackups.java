package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.DamagedBackupEntry;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.common.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * status.damagedBackups: what the agent found the last time it read the repository (each backup
 * run, the first listing), and which entries are news since the status before. Pure.
 */
final class DamagedBackups {
  static final int MAX = 100;

  private DamagedBackups() {}

  /**
   * Replaces the list with what a read of the repository found, keeping when each was first seen.
   * When the agent had to trim its list to fit its result ({@code count} above the list's size),
   * the entries it left out stay as they were rather than look repaired.
   */
  static void record(BackupPolicyStatus status, List<DamagedBackup> found, Integer count, Instant now) {
    List<DamagedBackup> reported = found == null ? List.of() : found;
    Map<String, DamagedBackupEntry> known = status.damagedBackups == null ? Map.of()
        : status.damagedBackups.stream().collect(Collectors.toMap(d -> d.id, Function.identity(), (a, b) -> a));
    List<DamagedBackupEntry> entries = new ArrayList<>();
    for (DamagedBackup damaged : reported) {
      DamagedBackupEntry before = known.get(damaged.id());
      entries.add(new DamagedBackupEntry(damaged.id(), damaged.problem(),
          before != null ? before.firstSeen : Times.rfc3339(now)));
    }
    if (count != null && count > reported.size()) {
      Set<String> listed = reported.stream().map(DamagedBackup::id).collect(Collectors.toSet());
      known.values().stream().filter(d -> !listed.contains(d.id)).forEach(entries::add);
    }
    entries.sort(Comparator.comparing((DamagedBackupEntry d) -> d.id).reversed());
    status.damagedBackups = new ArrayList<>(entries.subList(0, Math.min(MAX, entries.size())));
  }

  /** Entries of {@code after} whose id {@code before} did not list: each deserves its own Event. */
  static List<DamagedBackupEntry> newlyFound(BackupPolicyStatus before, BackupPolicyStatus after) {
    if (after.damagedBackups == null) {
      return List.of();
    }
    Set<String> seen = before == null || before.damagedBackups == null ? Set.of()
        : before.damagedBackups.stream().map(d -> d.id).collect(Collectors.toSet());
    return after.damagedBackups.stream().filter(d -> !seen.contains(d.id)).toList();
  }

  /** The Warning Event's message for a backup first seen damaged. */
  static String event(DamagedBackupEntry damaged) {
    return "backup " + damaged.id + " in the repository is damaged: " + damaged.problem
        + "; restores skip it and retention keeps it until it is repaired or deleted by hand";
  }
}
