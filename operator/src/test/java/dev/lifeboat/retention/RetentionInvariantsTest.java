package dev.lifeboat.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks the selector against properties that must hold for any input, over many random
 * repositories. Periods are computed here independently of the selector (e.g. ISO weeks from
 * week-based-year and week number), so a mistake in either shows up.
 */
class RetentionInvariantsTest {

  private static final Comparator<BackupRef> NEWEST_FIRST =
      Comparator.comparing(BackupRef::time).thenComparing(BackupRef::id).reversed();

  private static final Map<KeepReason, Function<ZonedDateTime, Object>> PERIODS =
      Map.of(
          KeepReason.HOURLY, t -> t.toEpochSecond() / 3600,
          KeepReason.DAILY, t -> t.toLocalDate().toEpochDay(),
          KeepReason.WEEKLY,
              t -> t.get(IsoFields.WEEK_BASED_YEAR) * 100
                  + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
          KeepReason.MONTHLY, t -> t.getYear() * 100 + t.getMonthValue(),
          KeepReason.YEARLY, ZonedDateTime::getYear);

  @Test
  void everyRandomRepositorySatisfiesTheRetentionInvariants() {
    Random random = new Random(20251109);
    for (int run = 0; run < 500; run++) {
      List<BackupRef> backups = randomBackups(random);
      RetentionRules rules = randomRules(random, backups);
      checkInvariants(backups, rules, RetentionSelector.select(backups, rules));
    }
  }

  private static List<BackupRef> randomBackups(Random random) {
    // Backups within ~3 years, clustered enough that hours and days often hold several.
    Instant newest = Instant.parse("2025-11-09T02:00:00Z");
    int count = random.nextInt(60);
    long spanSeconds = random.nextBoolean() ? 3L * 86400 : 3L * 365 * 86400;
    Set<Long> seconds = new HashSet<>();
    List<BackupRef> backups = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long offset = (long) (random.nextDouble() * spanSeconds);
      if (seconds.add(offset)) {
        Instant time = newest.minusSeconds(offset);
        backups.add(new BackupRef("b" + time.getEpochSecond(), time, random.nextInt(8) == 0));
      }
    }
    return backups;
  }

  private static RetentionRules randomRules(Random random, List<BackupRef> backups) {
    int[] counts = new int[6];
    while (Arrays.stream(counts).allMatch(c -> c == 0)) {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = random.nextInt(3) == 0 ? random.nextInt(8) : 0;
      }
    }
    Set<String> pinned = new HashSet<>();
    if (!backups.isEmpty() && random.nextBoolean()) {
      pinned.add(backups.get(random.nextInt(backups.size())).id());
    }
    pinned.add("not-in-repository");
    return new RetentionRules(
        counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], pinned);
  }

  private static void checkInvariants(
      List<BackupRef> backups, RetentionRules rules, RetentionDecision decision) {
    List<BackupRef> sorted = backups.stream().sorted(NEWEST_FIRST).toList();
    List<BackupRef> keptRefs =
        decision.kept().stream().map(RetentionDecision.Kept::backup).toList();

    // Every backup lands in exactly one list, and both lists are newest first.
    assertThat(Stream.concat(keptRefs.stream(), decision.prune().stream()))
        .containsExactlyInAnyOrderElementsOf(backups);
    assertThat(keptRefs).isSortedAccordingTo(NEWEST_FIRST);
    assertThat(decision.prune()).isSortedAccordingTo(NEWEST_FIRST);

    Map<String, List<KeepReason>> reasons = new LinkedHashMap<>();
    decision.kept().forEach(k -> reasons.put(k.backup().id(), k.reasons()));
    reasons.values().forEach(r -> assertThat(r).isNotEmpty().isSorted().doesNotHaveDuplicates());

    // keepLast: exactly the N newest.
    assertThat(idsWith(reasons, KeepReason.LAST))
        .isEqualTo(ids(sorted.stream().limit(rules.keepLast())));

    // Calendar rules: the newest backup of each of the N newest periods that have a backup.
    checkPeriodRule(sorted, reasons, KeepReason.HOURLY, rules.keepHourly());
    checkPeriodRule(sorted, reasons, KeepReason.DAILY, rules.keepDaily());
    checkPeriodRule(sorted, reasons, KeepReason.WEEKLY, rules.keepWeekly());
    checkPeriodRule(sorted, reasons, KeepReason.MONTHLY, rules.keepMonthly());
    checkPeriodRule(sorted, reasons, KeepReason.YEARLY, rules.keepYearly());

    // Pins present in the repository are kept, and say so.
    assertThat(idsWith(reasons, KeepReason.PINNED))
        .isEqualTo(ids(sorted.stream().filter(b -> rules.pinned().contains(b.id()))));

    // The newest good backup is always kept.
    sorted.stream()
        .filter(b -> !b.suspicious())
        .findFirst()
        .ifPresent(b -> assertThat(reasons).containsKey(b.id()));

    boolean guard = !sorted.isEmpty() && sorted.get(0).suspicious();
    if (guard) {
      assertThat(decision.prune()).isEmpty();
    } else {
      assertThat(idsWith(reasons, KeepReason.SUSPICIOUS_GUARD)).isEmpty();
      assertThat(idsWith(reasons, KeepReason.NEWEST)).isEmpty();
    }
    // Safety-net reasons appear only on backups nothing else keeps.
    reasons.values().stream()
        .filter(r -> r.contains(KeepReason.NEWEST) || r.contains(KeepReason.SUSPICIOUS_GUARD))
        .forEach(r -> assertThat(r).hasSize(1));
  }

  private static void checkPeriodRule(
      List<BackupRef> sorted, Map<String, List<KeepReason>> reasons, KeepReason rule, int count) {
    Function<ZonedDateTime, Object> period = PERIODS.get(rule);
    // sorted is newest first, so the first backup seen for a period is its newest.
    Map<Object, BackupRef> newestOfPeriod = new LinkedHashMap<>();
    for (BackupRef b : sorted) {
      newestOfPeriod.putIfAbsent(period.apply(b.time().atZone(ZoneOffset.UTC)), b);
    }
    assertThat(idsWith(reasons, rule))
        .as("%s=%d", rule, count)
        .isEqualTo(ids(newestOfPeriod.values().stream().limit(count)));
  }

  private static Set<String> idsWith(Map<String, List<KeepReason>> reasons, KeepReason reason) {
    return reasons.entrySet().stream()
        .filter(e -> e.getValue().contains(reason))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  private static Set<String> ids(Stream<BackupRef> backups) {
    return backups.map(BackupRef::id).collect(Collectors.toSet());
  }
}
