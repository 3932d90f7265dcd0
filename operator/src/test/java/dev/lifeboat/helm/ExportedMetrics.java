package dev.lifeboat.helm;

import java.util.Set;

/**
 * The Prometheus metric names the operator exports at /metrics, as the chart's alerts may use them.
 *
 * <p>This is the one list the chart tests check alert expressions against. It is written by hand
 * today; a sandbox scrape test is to check it against what the running operator really serves
 * (and may replace it with the scraped names). JVM, process and Java Operator SDK metrics are
 * exported too but are not listed: no alert uses them.
 */
public final class ExportedMetrics {

  /** Every lifeboat_* series name; counters carry their _total suffix, the Timer its _count, _sum and _max. */
  public static final Set<String> EXPORTED_METRICS = Set.of(
      // Gauges per policy, labels namespace and policy.
      "lifeboat_backup_last_success_timestamp_seconds",
      "lifeboat_backup_last_size_bytes",
      "lifeboat_backup_last_duration_seconds",
      "lifeboat_backup_last_files",
      "lifeboat_backup_success_ratio_7d",
      "lifeboat_backup_overdue",
      "lifeboat_backup_suspicious",
      "lifeboat_backup_last_failed",
      "lifeboat_verification_overdue",
      "lifeboat_verification_last_success_timestamp_seconds",
      "lifeboat_backups_kept",
      "lifeboat_backups_kept_bytes",
      "lifeboat_backup_max_age_seconds",
      // Counters: labels namespace, policy, result (succeeded|partially_failed|failed).
      "lifeboat_backups_total",
      // labels namespace, result (succeeded|failed).
      "lifeboat_restores_total",
      // Timer, labels namespace and result.
      "lifeboat_restore_duration_seconds_count",
      "lifeboat_restore_duration_seconds_sum",
      "lifeboat_restore_duration_seconds_max");

  /** Series that Prometheus itself writes for every target. */
  public static final Set<String> PROMETHEUS_SERIES = Set.of("up");

  private ExportedMetrics() {}
}
