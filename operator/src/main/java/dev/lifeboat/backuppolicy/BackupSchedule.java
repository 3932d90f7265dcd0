package dev.lifeboat.backuppolicy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
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
    return executions.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
  }

  /** The newest scheduled instant at or before {@code at}. */
  public Optional<Instant> latestAtOrBefore(Instant at) {
    Optional<Instant> exactly = nextAfter(at.minusSeconds(1)).filter(next -> !next.isAfter(at));
    if (exactly.isPresent()) {
      return exactly;
    }
    return executions.lastExecution(ZonedDateTime.ofInstant(at, zone)).map(ZonedDateTime::toInstant);
  }
}
