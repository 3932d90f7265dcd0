package dev.lifeboat.retention;

import java.time.Instant;
import java.util.Objects;

/**
 * One complete backup (its manifest exists), as far as retention cares.
 *
 * @param id the backup id, the UTC start time such as {@code 20251109T020000Z}
 * @param time the backup's start time; the hour, day, week, month and year it falls into (in UTC)
 *     decide which rules keep it
 * @param suspicious true when the backup was flagged BackupSuspicious (tiny, or far smaller than
 *     the one before it)
 */
public record BackupRef(String id, Instant time, boolean suspicious) {
  public BackupRef {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    if (id.isBlank()) {
      throw new IllegalArgumentException("backup id must not be blank");
    }
  }
}
