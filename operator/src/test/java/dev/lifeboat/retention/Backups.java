package dev.lifeboat.retention;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: backups named like real ones, and decisions flattened for easy assertions. */
final class Backups {
  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private Backups() {}

  /** A good backup started at the given UTC time, e.g. {@code 2025-11-09T02:00:00Z}. */
  static BackupRef at(String isoInstant) {
    Instant time = Instant.parse(isoInstant);
    return new BackupRef(ID.format(time), time, false);
  }

  /** A suspicious (tiny) backup started at the given UTC time. */
  static BackupRef suspiciousAt(String isoInstant) {
    Instant time = Instant.parse(isoInstant);
    return new BackupRef(ID.format(time), time, true);
  }

  static String idOf(String isoInstant) {
    return ID.format(Instant.parse(isoInstant));
  }

  /** Kept ids to their keptBy labels, newest first. */
  static Map<String, List<String>> keptBy(RetentionDecision decision) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    decision.kept().forEach(k -> out.put(k.backup().id(), k.labels()));
    return out;
  }

  /** Pruned ids, newest first. */
  static List<String> pruned(RetentionDecision decision) {
    return decision.prune().stream().map(BackupRef::id).toList();
  }

  /** Builds an ordered id-to-labels map from alternating id, labels pairs. */
  static Map<String, List<String>> expect(Object... idThenLabels) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < idThenLabels.length; i += 2) {
      out.put((String) idThenLabels[i], List.of(((String) idThenLabels[i + 1]).split(",")));
    }
    return out;
  }
}
