package dev.lifeboat.retention;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies {@link RetentionRules} to a list of backups. Pure and deterministic: the same backups and
 * rules always give the same decision, whoever asks (the agent pruning, the operator explaining).
 */
public final class RetentionSelector {

  private RetentionSelector() {}

  /**
   * Decides which backups to keep and which to prune.
   *
   * <ol>
   *   <li>Backups are sorted newest first (ties by id, newest id first).
   *   <li>{@code keepLast} keeps the N newest.
   *   <li>Each calendar rule walks newest to oldest and keeps a backup whenever its period (UTC
   *       hour, day, ISO week, month, year) differs from the period of the last backup that rule
   *       kept, until it has kept N. Periods without a backup cost nothing, as in restic.
   *   <li>Pinned ids are always kept.
   *   <li>The newest non-suspicious backup is always kept.
   *   <li>When the newest backup is suspicious, nothing is pruned at all.
   * </ol>
   *
   * @param backups complete backups, in any order
   * @throws IllegalArgumentException when no keep rule is above 0, or two backups share an id
   */
  public static RetentionDecision select(List<BackupRef> backups, RetentionRules rules) {
    Objects.requireNonNull(backups, "backups");
    Objects.requireNonNull(rules, "rules");
    if (!rules.keepsSomething()) {
      // Rules that keep nothing would prune every backup: never a valid outcome.
      throw new IllegalArgumentException("retention needs at least one keep rule greater than 0");
    }
    List<BackupRef> sorted = newestFirst(backups);
    List<Set<KeepReason>> reasons = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      reasons.add(EnumSet.noneOf(KeepReason.class));
    }

    for (int i = 0; i < Math.min(rules.keepLast(), sorted.size()); i++) {
      reasons.get(i).add(KeepReason.LAST);
    }
    keepNewestPerPeriod(sorted, reasons, KeepReason.HOURLY, rules.keepHourly(),
        t -> t.truncatedTo(ChronoUnit.HOURS));
    keepNewestPerPeriod(sorted, reasons, KeepReason.DAILY, rules.keepDaily(),
        ZonedDateTime::toLocalDate);
    // An ISO week is named by its Monday; this matches week-based-year + week-of-year, so the
    // days around New Year fall into the right week (2024-12-30 is in 2025-W01).
    keepNewestPerPeriod(sorted, reasons, KeepReason.WEEKLY, rules.keepWeekly(),
        t -> t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)));
    keepNewestPerPeriod(sorted, reasons, KeepReason.MONTHLY, rules.keepMonthly(), YearMonth::from);
    keepNewestPerPeriod(sorted, reasons, KeepReason.YEARLY, rules.keepYearly(),
        ZonedDateTime::getYear);

    for (int i = 0; i < sorted.size(); i++) {
      if (rules.pinned().contains(sorted.get(i).id())) {
        reasons.get(i).add(KeepReason.PINNED);
      }
    }

    // Safety net: the newest good backup is the one a restore would use. The rules always keep
    // the newest backup, so this only matters when that one is suspicious; it is reported only
    // when nothing else keeps the backup, to keep keptBy free of noise.
    for (int i = 0; i < sorted.size(); i++) {
      if (!sorted.get(i).suspicious()) {
        if (reasons.get(i).isEmpty()) {
          reasons.get(i).add(KeepReason.NEWEST);
        }
        break;
      }
    }

    // Guard: a suspicious newest backup may mean the volume was emptied. Rotating good backups
    // out now could leave nothing worth restoring, so this run prunes nothing.
    boolean guard = !sorted.isEmpty() && sorted.get(0).suspicious();

    List<RetentionDecision.Kept> kept = new ArrayList<>();
    List<BackupRef> prune = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      Set<KeepReason> why = reasons.get(i);
      if (why.isEmpty() && guard) {
        why.add(KeepReason.SUSPICIOUS_GUARD);
      }
      if (why.isEmpty()) {
        prune.add(sorted.get(i));
      } else {
        kept.add(new RetentionDecision.Kept(sorted.get(i), List.copyOf(why)));
      }
    }
    return new RetentionDecision(kept, prune);
  }

  /**
   * restic's bucket walk: keep a backup when its period differs from the period of the previous
   * backup this rule kept. Input is newest first, so that is the newest backup of each period.
   */
  private static void keepNewestPerPeriod(
      List<BackupRef> sorted,
      List<Set<KeepReason>> reasons,
      KeepReason reason,
      int count,
      Function<ZonedDateTime, Object> period) {
    Object lastKept = null;
    for (int i = 0; i < sorted.size() && count > 0; i++) {
      Object current = period.apply(sorted.get(i).time().atZone(ZoneOffset.UTC));
      if (!current.equals(lastKept)) {
        reasons.get(i).add(reason);
        lastKept = current;
        count--;
      }
    }
  }

  private static List<BackupRef> newestFirst(List<BackupRef> backups) {
    Set<String> ids = new HashSet<>();
    for (BackupRef backup : backups) {
      Objects.requireNonNull(backup, "backups must not contain null");
      if (!ids.add(backup.id())) {
        throw new IllegalArgumentException("duplicate backup id '" + backup.id() + "'");
      }
    }
    List<BackupRef> sorted = new ArrayList<>(backups);
    sorted.sort(
        Comparator.comparing(BackupRef::time, Comparator.<Instant>reverseOrder())
            .thenComparing(BackupRef::id, Comparator.<String>reverseOrder()));
    return sorted;
  }
}
