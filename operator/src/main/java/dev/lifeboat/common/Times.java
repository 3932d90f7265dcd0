package dev.lifeboat.common;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The two time formats Lifeboat writes: RFC 3339 in statuses, and backup ids. */
public final class Times {
  /** Backup ids are the UTC start time, sortable as strings: 20251109T020000Z. */
  public static final DateTimeFormatter BACKUP_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  public static String rfc3339(Instant instant) {
    return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  public static Instant parse(String rfc3339) {
    return rfc3339 == null || rfc3339.isBlank() ? null : Instant.parse(rfc3339);
  }

  public static String backupId(Instant instant) {
    return BACKUP_ID.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  public static Instant fromBackupId(String id) {
    return Instant.from(BACKUP_ID.parse(id));
  }
}
