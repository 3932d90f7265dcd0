package dev.lifeboat.retention;

import static dev.lifeboat.retention.Backups.at;
import static dev.lifeboat.retention.Backups.expect;
import static dev.lifeboat.retention.Backups.idOf;
import static dev.lifeboat.retention.Backups.keptBy;
import static dev.lifeboat.retention.Backups.pruned;
import static dev.lifeboat.retention.Backups.suspiciousAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.Month;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetentionSelectorTest {

  private static RetentionRules rules(String spec, String... pinned) {
    return RetentionRules.parse(spec, List.of(pinned));
  }

  /**
   * Daily backups at 02:00 UTC from 2024-11-10 to 2025-11-09, except: 2025-11-06 (one missed
   * night), ISO week 2025-W42 (Oct 13-19, a week-long outage) and all of March 2025.
   */
  private static List<BackupRef> aYearOfDailyBackupsWithGaps() {
    List<BackupRef> backups = new ArrayList<>();
    for (LocalDate day = LocalDate.parse("2024-11-10");
        !day.isAfter(LocalDate.parse("2025-11-09"));
        day = day.plusDays(1)) {
      boolean missedNight = day.equals(LocalDate.parse("2025-11-06"));
      boolean outageWeek =
          !day.isBefore(LocalDate.parse("2025-10-13"))
              && !day.isAfter(LocalDate.parse("2025-10-19"));
      boolean noMarch = day.getYear() == 2025 && day.getMonth() == Month.MARCH;
      if (!missedNight && !outageWeek && !noMarch) {
        backups.add(at(day + "T02:00:00Z"));
      }
    }
    Collections.shuffle(backups, new Random(42)); // input order must not matter
    return backups;
  }

  @Test
  void aYearOfDailyBackupsWithGapsKeepsSevenDaysFourWeeksTwelveMonths() {
    List<BackupRef> backups = aYearOfDailyBackupsWithGaps();
    assertThat(backups).hasSize(365 - 1 - 7 - 31);

    RetentionDecision decision =
        RetentionSelector.select(backups, rules("keepDaily=7,keepWeekly=4,keepMonthly=12"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect(
                // Seven days that have a backup: the missed 11-06 costs nothing.
                "20251109T020000Z", "daily,weekly,monthly", // Sunday, newest of W45 and November
                "20251108T020000Z", "daily",
                "20251107T020000Z", "daily",
                "20251105T020000Z", "daily",
                "20251104T020000Z", "daily",
                "20251103T020000Z", "daily",
                "20251102T020000Z", "daily,weekly", // Sunday: newest of W44
                "20251031T020000Z", "monthly",
                "20251026T020000Z", "weekly", // W43; W42 has no backup and is skipped
                "20251012T020000Z", "weekly", // W41
                "20250930T020000Z", "monthly",
                "20250831T020000Z", "monthly",
                "20250731T020000Z", "monthly",
                "20250630T020000Z", "monthly",
                "20250531T020000Z", "monthly",
                "20250430T020000Z", "monthly",
                // March has no backup and is skipped, so twelve months reach back to Nov 2024.
                "20250228T020000Z", "monthly",
                "20250131T020000Z", "monthly",
                "20241231T020000Z", "monthly",
                "20241130T020000Z", "monthly"));
    assertThat(decision.prune()).hasSize(backups.size() - 20);
    assertThat(pruned(decision)).first().isEqualTo("20251101T020000Z");
    assertThat(pruned(decision)).last().isEqualTo("20241110T020000Z");
  }

  @Test
  void keepLastAloneKeepsTheNNewestWhateverTheInputOrder() {
    List<BackupRef> backups = new ArrayList<>();
    for (int hour = 0; hour < 10; hour++) {
      backups.add(at(String.format("2025-11-09T%02d:00:00Z", hour)));
    }
    Collections.shuffle(backups, new Random(7));

    RetentionDecision decision = RetentionSelector.select(backups, rules("keepLast=3"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect(
                "20251109T090000Z", "last",
                "20251109T080000Z", "last",
                "20251109T070000Z", "last"));
    assertThat(pruned(decision))
        .containsExactly(
            "20251109T060000Z", "20251109T050000Z", "20251109T040000Z", "20251109T030000Z",
            "20251109T020000Z", "20251109T010000Z", "20251109T000000Z");
  }

  @Test
  void keepLastLargerThanTheNumberOfBackupsKeepsAll() {
    RetentionDecision decision =
        RetentionSelector.select(
            List.of(at("2025-11-08T02:00:00Z"), at("2025-11-09T02:00:00Z")), rules("keepLast=7"));

    assertThat(keptBy(decision)).containsOnlyKeys("20251109T020000Z", "20251108T020000Z");
    assertThat(decision.prune()).isEmpty();
  }

  @Test
  void keepHourlyKeepsNewestOfEachHourAcrossMidnightAndSkipsEmptyHours() {
    // Every 20 minutes from 22:00 on Nov 8 to 02:40 on Nov 9, but nothing during 01:xx.
    List<BackupRef> backups = new ArrayList<>();
    List<String> hours =
        List.of("2025-11-08T22", "2025-11-08T23", "2025-11-09T00", "2025-11-09T02");
    for (String hour : hours) {
      for (String minute : List.of("00", "20", "40")) {
        backups.add(at(hour + ":" + minute + ":00Z"));
      }
    }

    RetentionDecision decision = RetentionSelector.select(backups, rules("keepHourly=4"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect(
                "20251109T024000Z", "hourly",
                "20251109T004000Z", "hourly", // 01:xx is empty and costs nothing
                "20251108T234000Z", "hourly",
                "20251108T224000Z", "hourly"));
    assertThat(decision.prune()).hasSize(8);
  }

  @Test
  void keepYearlyKeepsNewestOfEachYearInUtcAndSkipsYearsWithoutBackups() {
    List<BackupRef> backups =
        List.of(
            at("2021-06-01T02:00:00Z"),
            at("2021-12-31T23:00:00Z"), // already 2022 in Berlin, still 2021 in UTC
            at("2022-01-01T00:30:00Z"),
            at("2022-07-01T02:00:00Z"),
            // no backup at all in 2023
            at("2024-03-01T02:00:00Z"),
            at("2024-12-31T02:00:00Z"),
            at("2025-01-01T02:00:00Z"),
            at("2025-06-01T02:00:00Z"));

    assertThat(keptBy(RetentionSelector.select(backups, rules("keepYearly=3"))))
        .containsExactlyEntriesOf(
            expect(
                "20250601T020000Z", "yearly",
                "20241231T020000Z", "yearly",
                "20220701T020000Z", "yearly"));
    assertThat(keptBy(RetentionSelector.select(backups, rules("keepYearly=10"))))
        .containsExactlyEntriesOf(
            expect(
                "20250601T020000Z", "yearly",
                "20241231T020000Z", "yearly",
                "20220701T020000Z", "yearly",
                "20211231T230000Z", "yearly"));
  }

  @Test
  void weeksAreIsoWeeksSoSundayAndTheFollowingMondayAreDifferentWeeks() {
    List<BackupRef> backups =
        List.of(
            at("2025-11-03T01:00:00Z"), // Monday, 2025-W45
            at("2025-11-02T23:00:00Z"), // Sunday, 2025-W44
            at("2025-11-02T10:00:00Z"), // Sunday, 2025-W44
            at("2025-11-01T02:00:00Z")); // Saturday, 2025-W44

    RetentionDecision decision = RetentionSelector.select(backups, rules("keepWeekly=2"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect("20251103T010000Z", "weekly", "20251102T230000Z", "weekly"));
    assertThat(pruned(decision)).containsExactly("20251102T100000Z", "20251101T020000Z");
  }

  @Test
  void anIsoWeekSpanningNewYearIsOneWeek() {
    List<BackupRef> backups =
        List.of(
            at("2025-01-02T02:00:00Z"), // Thursday, 2025-W01
            at("2024-12-30T02:00:00Z"), // Monday, also 2025-W01
            at("2024-12-29T02:00:00Z")); // Sunday, 2024-W52

    assertThat(keptBy(RetentionSelector.select(backups, rules("keepWeekly=2"))))
        .containsExactlyEntriesOf(
            expect("20250102T020000Z", "weekly", "20241229T020000Z", "weekly"));
    // By month the same backups split differently: December's newest is the 30th.
    assertThat(keptBy(RetentionSelector.select(backups, rules("keepMonthly=2"))))
        .containsExactlyEntriesOf(
            expect("20250102T020000Z", "monthly", "20241230T020000Z", "monthly"));
  }

  @Test
  void monthBoundaryIsMidnightUtcOnTheFirst() {
    List<BackupRef> backups =
        List.of(
            at("2025-11-01T00:00:00Z"),
            at("2025-10-31T23:59:59Z"),
            at("2025-10-15T02:00:00Z"),
            at("2025-09-30T02:00:00Z"));

    RetentionDecision decision = RetentionSelector.select(backups, rules("keepMonthly=2"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect("20251101T000000Z", "monthly", "20251031T235959Z", "monthly"));
    assertThat(pruned(decision)).containsExactly("20251015T020000Z", "20250930T020000Z");
  }

  @Test
  void aBackupKeptBySeveralRulesListsEveryReasonInRuleOrder() {
    List<BackupRef> backups = List.of(at("2025-11-09T02:00:00Z"), at("2025-11-08T02:00:00Z"));

    RetentionDecision decision =
        RetentionSelector.select(
            backups,
            rules(
                "keepYearly=1,keepMonthly=1,keepWeekly=1,keepDaily=1,keepHourly=1,keepLast=1",
                "20251109T020000Z"));

    assertThat(decision.kept().get(0).reasons())
        .containsExactly(
            KeepReason.LAST,
            KeepReason.HOURLY,
            KeepReason.DAILY,
            KeepReason.WEEKLY,
            KeepReason.MONTHLY,
            KeepReason.YEARLY,
            KeepReason.PINNED);
    assertThat(pruned(decision)).containsExactly("20251108T020000Z");
  }

  @Test
  void pinnedBackupIsKeptEvenWhenVeryOld() {
    List<BackupRef> backups =
        List.of(at("2025-11-09T02:00:00Z"), at("2025-11-08T02:00:00Z"), at("2019-01-01T02:00:00Z"));

    RetentionDecision decision =
        RetentionSelector.select(backups, rules("keepLast=1", "20190101T020000Z"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect("20251109T020000Z", "last", "20190101T020000Z", "pinned"));
    assertThat(pruned(decision)).containsExactly("20251108T020000Z");
  }

  @Test
  void pinnedBackupAlsoKeptByARuleShowsBothReasons() {
    RetentionDecision decision =
        RetentionSelector.select(
            List.of(at("2025-11-09T02:00:00Z")), rules("keepDaily=7", "20251109T020000Z"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(expect("20251109T020000Z", "daily,pinned"));
  }

  @Test
  void pinnedIdThatIsNotInTheRepositoryChangesNothing() {
    List<BackupRef> backups = List.of(at("2025-11-09T02:00:00Z"), at("2025-11-08T02:00:00Z"));

    RetentionDecision decision =
        RetentionSelector.select(backups, rules("keepLast=1", "20200101T000000Z"));

    assertThat(keptBy(decision)).containsExactlyEntriesOf(expect("20251109T020000Z", "last"));
    assertThat(pruned(decision)).containsExactly("20251108T020000Z");
  }

  @Test
  void newestGoodBackupIsKeptWhenTheRulesKeepOnlyASuspiciousNewerOne() {
    List<BackupRef> backups =
        List.of(
            suspiciousAt("2025-11-10T02:00:00Z"),
            at("2025-11-09T02:00:00Z"),
            at("2025-11-08T02:00:00Z"));

    RetentionDecision decision = RetentionSelector.select(backups, rules("keepLast=1"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect(
                "20251110T020000Z", "last",
                "20251109T020000Z", "newest",
                "20251108T020000Z", "guard"));
  }

  @Test
  void newestGoodBackupSkipsSeveralSuspiciousOnes() {
    List<BackupRef> backups =
        List.of(
            suspiciousAt("2025-11-11T02:00:00Z"),
            suspiciousAt("2025-11-10T02:00:00Z"),
            at("2025-11-09T02:00:00Z"),
            at("2025-11-08T02:00:00Z"));

    RetentionDecision decision = RetentionSelector.select(backups, rules("keepLast=1"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect(
                "20251111T020000Z", "last",
                "20251110T020000Z", "guard",
                "20251109T020000Z", "newest",
                "20251108T020000Z", "guard"));
  }

  @Test
  void newestIsNotListedWhenARuleAlreadyKeepsTheNewestGoodBackup() {
    RetentionDecision decision =
        RetentionSelector.select(
            List.of(at("2025-11-09T02:00:00Z"), at("2025-11-08T02:00:00Z")), rules("keepDaily=7"));

    assertThat(decision.kept())
        .allSatisfy(k -> assertThat(k.reasons()).doesNotContain(KeepReason.NEWEST));
  }

  @Test
  void suspiciousNewestBackupPrunesNothingAndGuardsTheRest() {
    List<BackupRef> backups = new ArrayList<>(aYearOfDailyBackupsWithGaps());
    backups.add(suspiciousAt("2025-11-10T02:00:00Z"));

    RetentionDecision decision =
        RetentionSelector.select(backups, rules("keepDaily=7,keepWeekly=4,keepMonthly=12"));

    assertThat(decision.prune()).isEmpty();
    assertThat(decision.kept()).hasSize(backups.size());
    // The suspicious backup still counts toward the rules: it takes one of the seven days,
    // November and W46, so the day it pushed out (11-02) is only guarded now.
    assertThat(keptBy(decision))
        .containsEntry("20251110T020000Z", List.of("daily", "weekly", "monthly"))
        .containsEntry("20251109T020000Z", List.of("daily", "weekly"))
        .containsEntry("20251103T020000Z", List.of("daily"))
        .containsEntry("20251102T020000Z", List.of("weekly"))
        .containsEntry("20251101T020000Z", List.of("guard"))
        .containsEntry("20241110T020000Z", List.of("guard"));
    assertThat(decision.kept())
        .filteredOn(k -> k.reasons().contains(KeepReason.SUSPICIOUS_GUARD))
        .allSatisfy(k -> assertThat(k.reasons()).containsExactly(KeepReason.SUSPICIOUS_GUARD));
  }

  @Test
  void suspiciousBackupThatIsNotTheNewestCountsAndPrunesLikeAnyOther() {
    List<BackupRef> backups =
        List.of(
            at("2025-11-09T02:00:00Z"),
            suspiciousAt("2025-11-08T14:00:00Z"), // newest of Nov 8
            at("2025-11-08T02:00:00Z"),
            suspiciousAt("2025-11-07T02:00:00Z"));

    RetentionDecision decision = RetentionSelector.select(backups, rules("keepDaily=2"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect("20251109T020000Z", "daily", "20251108T140000Z", "daily"));
    assertThat(pruned(decision)).containsExactly("20251108T020000Z", "20251107T020000Z");
  }

  @Test
  void guardLiftsOnceAHealthyBackupIsNewestAgain() {
    List<BackupRef> backups =
        List.of(
            at("2025-11-11T02:00:00Z"),
            suspiciousAt("2025-11-10T02:00:00Z"),
            at("2025-11-09T02:00:00Z"),
            at("2025-11-08T02:00:00Z"));

    RetentionDecision decision = RetentionSelector.select(backups, rules("keepLast=2"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect("20251111T020000Z", "last", "20251110T020000Z", "last"));
    assertThat(pruned(decision)).containsExactly("20251109T020000Z", "20251108T020000Z");
  }

  @Test
  void onlySuspiciousBackupsAreAllKept() {
    List<BackupRef> backups =
        List.of(suspiciousAt("2025-11-10T02:00:00Z"), suspiciousAt("2025-11-09T02:00:00Z"));

    RetentionDecision decision = RetentionSelector.select(backups, rules("keepLast=1"));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect("20251110T020000Z", "last", "20251109T020000Z", "guard"));
  }

  @Test
  void rulesThatKeepNothingAreRefused() {
    List<BackupRef> backups = List.of(at("2025-11-09T02:00:00Z"));

    assertThatThrownBy(() -> RetentionSelector.select(backups, rules("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention needs at least one keep rule greater than 0");
    assertThatThrownBy(
            () -> RetentionSelector.select(backups, rules("keepLast=0", "20251109T020000Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention needs at least one keep rule greater than 0");
  }

  @Test
  void duplicateIdsAreRefusedNamingTheId() {
    List<BackupRef> backups =
        List.of(
            at("2025-11-09T02:00:00Z"),
            new BackupRef("20251109T020000Z", at("2025-11-09T03:00:00Z").time(), false));

    assertThatThrownBy(() -> RetentionSelector.select(backups, rules("keepLast=1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("20251109T020000Z");
  }

  @Test
  void noBackupsGiveAnEmptyDecision() {
    RetentionDecision decision = RetentionSelector.select(List.of(), rules("keepLast=1"));

    assertThat(decision.kept()).isEmpty();
    assertThat(decision.prune()).isEmpty();
  }

  @Test
  void backupsWithTheSameTimeAreOrderedByIdNewestFirst() {
    BackupRef a = new BackupRef("20251109T020000Z-a", at("2025-11-09T02:00:00Z").time(), false);
    BackupRef b = new BackupRef("20251109T020000Z-b", a.time(), false);

    RetentionDecision decision = RetentionSelector.select(List.of(a, b), rules("keepDaily=1"));

    assertThat(keptBy(decision)).containsOnlyKeys("20251109T020000Z-b");
    assertThat(decision.prune()).containsExactly(a);
  }

  @Test
  void decisionListsAreImmutable() {
    RetentionDecision decision =
        RetentionSelector.select(
            List.of(at("2025-11-09T02:00:00Z"), at("2025-11-08T02:00:00Z")), rules("keepLast=1"));

    assertThatThrownBy(() -> decision.prune().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> decision.kept().get(0).reasons().add(KeepReason.PINNED))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void labelsAreTheStatusWords() {
    assertThat(List.of(KeepReason.values()).stream().map(KeepReason::label))
        .containsExactly(
            "last", "hourly", "daily", "weekly", "monthly", "yearly", "pinned", "newest", "guard");
  }

  @Test
  void resultIsTheSameWhateverTheInputOrder() {
    List<BackupRef> backups = aYearOfDailyBackupsWithGaps();
    RetentionRules rules =
        rules("keepLast=3,keepDaily=7,keepWeekly=4,keepMonthly=12", idOf("2025-01-15T02:00:00Z"));
    RetentionDecision first = RetentionSelector.select(backups, rules);

    List<BackupRef> reversed = new ArrayList<>(backups);
    Collections.reverse(reversed);
    assertThat(RetentionSelector.select(reversed, rules)).isEqualTo(first);
    assertThat(keptBy(first)).containsEntry("20250115T020000Z", List.of("pinned"));
  }
}
