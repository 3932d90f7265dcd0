package dev.lifeboat.retention;

import java.util.Locale;

/**
 * Why a backup is kept. The declaration order is the order reasons are listed in, and {@link
 * #label()} is the word shown in a BackupPolicy's {@code status.backups[].keptBy}.
 */
public enum KeepReason {
  /** One of the {@code keepLast} newest backups. */
  LAST,
  /** The newest backup of one of the {@code keepHourly} newest hours that have a backup. */
  HOURLY,
  /** The newest backup of one of the {@code keepDaily} newest days that have a backup. */
  DAILY,
  /** The newest backup of one of the {@code keepWeekly} newest ISO weeks that have a backup. */
  WEEKLY,
  /** The newest backup of one of the {@code keepMonthly} newest months that have a backup. */
  MONTHLY,
  /** The newest backup of one of the {@code keepYearly} newest years that have a backup. */
  YEARLY,
  /** Its id is listed in {@code retention.pinned}. */
  PINNED,
  /** The newest backup that is not suspicious, which no rule or pin kept. */
  NEWEST,
  /** Nothing else keeps it, but the newest backup is suspicious, so nothing is pruned. */
  SUSPICIOUS_GUARD;

  /**
   * The lower-case word shown in status: last, hourly, daily, weekly, monthly, yearly, pinned,
   * newest, guard.
   */
  public String label() {
    return this == SUSPICIOUS_GUARD ? "guard" : name().toLowerCase(Locale.ROOT);
  }
}
