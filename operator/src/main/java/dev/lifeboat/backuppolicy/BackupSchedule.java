package dev.lifeboat.backuppolicy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;

/** A cron schedule evaluated in the policy's time zone (so 02:00 stays 02:00 across DST changes). */
public final class BackupSchedule {
  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> NICKNAMES = Map.of(
      "@hourly", "0 * * * *",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@weekly", "0 0 * * 0",
      "@monthly", "0 0 1 * *",
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *");

  private static final int MAX_STEPS = 4;
  private final ExecutionTime executions;
  private final ZoneId zone;

  private BackupSchedule(ExecutionTime executions, ZoneId zone) {
    this.executions = executions;
    this.zone = zone;
  }

  /** Throws IllegalArgumentException when the expression is not 5-field cron or a nickname. */
  public static BackupSchedule parse(String expression, ZoneId zone) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    String cron = NICKNAMES.getOrDefault(expression.trim().toLowerCase(), expression.trim());
    if (cron.startsWith("@")) {
      throw new IllegalArgumentException("unknown nickname; use @hourly, @daily, @weekly, @monthly or @yearly");
    }
    try {
      return new BackupSchedule(ExecutionTime.forCron(UNIX.parse(cron)), zone);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The first scheduled instant strictly after {@code after}. */
  public Optional<Instant> nextAfter(Instant after) {
    LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
    for (int guard = 0; guard < MAX_STEPS; guard++) {
      Optional<LocalDateTime> next = executions.nextExecution(wall.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      Instant instant = toInstant(next.get());
      if (instant.isAfter(after)) {
        return Optional.of(instant);
      }
      wall = next.get(); // a repeated wall time (autumn) already ran at its first occurrence
    }
    return Optional.empty();
  }

  /** The newest scheduled instant at or before {@code at}. */
  public Optional<Instant> latestAtOrBefore(Instant at) {
    LocalDateTime wall = LocalDateTime.ofInstant(at, zone).plusSeconds(1);
    for (int guard = 0; guard < MAX_STEPS; guard++) {
      Optional<LocalDateTime> last = executions.lastExecution(wall.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
      if (last.isEmpty()) {
        return Optional.empty();
      }
      Instant instant = toInstant(last.get());
      if (!instant.isAfter(at)) {
        return Optional.of(instant);
      }
      wall = last.get(); // a wall time in the spring gap maps past the jump, after 'at'
    }
    return Optional.empty();
  }

  /**
   * Cron is evaluated on wall-clock time and mapped to an instant here, the way cron daemons do:
   * a time that does not exist (spring gap) runs just after the clock jumps, a time that happens
   * twice (autumn) runs once, at its first occurrence.
   */
  private Instant toInstant(LocalDateTime wall) {
    return ZonedDateTime.ofLocal(wall, zone, null).toInstant();
  }
}
