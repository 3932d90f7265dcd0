package dev.lifeboat.backuppolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BackupScheduleTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final BackupSchedule DAILY_0200_UTC = BackupSchedule.parse("0 2 * * *", ZoneOffset.UTC);

  static Instant at(String rfc3339) {
    return Instant.parse(rfc3339);
  }

  @Test
  void nextAfterOneSecondBeforeTheSlotIsTheSlotOnTheSameDay() {
    assertThat(DAILY_0200_UTC.nextAfter(at("2025-11-09T01:59:59Z"))).contains(at("2025-11-09T02:00:00Z"));
  }

  @Test
  void nextAfterTheSlotItselfIsTheNextDay() {
    assertThat(DAILY_0200_UTC.nextAfter(at("2025-11-09T02:00:00Z"))).contains(at("2025-11-10T02:00:00Z"));
  }

  @Test
  void latestAtOrBeforeExactlyTheSlotIsTheSlot() {
    assertThat(DAILY_0200_UTC.latestAtOrBefore(at("2025-11-09T02:00:00Z"))).contains(at("2025-11-09T02:00:00Z"));
  }

  @Test
  void latestAtOrBeforeBetweenSlotsIsThePreviousSlot() {
    assertThat(DAILY_0200_UTC.latestAtOrBefore(at("2025-11-09T01:59:59Z"))).contains(at("2025-11-08T02:00:00Z"));
    assertThat(DAILY_0200_UTC.latestAtOrBefore(at("2025-11-09T02:00:01Z"))).contains(at("2025-11-09T02:00:00Z"));
    assertThat(DAILY_0200_UTC.latestAtOrBefore(at("2025-11-09T23:59:59Z"))).contains(at("2025-11-09T02:00:00Z"));
  }

  // 2025-11-09 is a Sunday.
  @ParameterizedTest
  @CsvSource({
      "@hourly,   2025-11-09T10:15:00Z, 2025-11-09T11:00:00Z",
      "@daily,    2025-11-09T10:15:00Z, 2025-11-10T00:00:00Z",
      "@midnight, 2025-11-09T10:15:00Z, 2025-11-10T00:00:00Z",
      "@weekly,   2025-11-09T10:15:00Z, 2025-11-16T00:00:00Z",
      "@weekly,   2025-11-08T10:15:00Z, 2025-11-09T00:00:00Z",
      "@monthly,  2025-11-09T10:15:00Z, 2025-12-01T00:00:00Z",
      "@yearly,   2025-11-09T10:15:00Z, 2026-01-01T00:00:00Z",
      "@annually, 2025-11-09T10:15:00Z, 2026-01-01T00:00:00Z",
      "@Daily,    2025-11-09T10:15:00Z, 2025-11-10T00:00:00Z",
  })
  void nicknamesMeanWhatCronMeansByThem(String nickname, String after, String expected) {
    assertThat(BackupSchedule.parse(nickname, ZoneOffset.UTC).nextAfter(at(after))).contains(at(expected));
  }

  @Test
  void berlinTwoOClockIsOneUtcInWinter() {
    BackupSchedule schedule = BackupSchedule.parse("0 2 * * *", BERLIN);

    assertThat(schedule.nextAfter(at("2025-11-08T12:00:00Z"))).contains(at("2025-11-09T01:00:00Z"));
    assertThat(schedule.latestAtOrBefore(at("2025-11-09T01:00:00Z"))).contains(at("2025-11-09T01:00:00Z"));
  }

  @Test
  void berlinTwoOClockIsMidnightUtcInSummer() {
    BackupSchedule schedule = BackupSchedule.parse("0 2 * * *", BERLIN);

    assertThat(schedule.nextAfter(at("2025-07-01T12:00:00Z"))).contains(at("2025-07-02T00:00:00Z"));
    assertThat(schedule.latestAtOrBefore(at("2025-07-02T00:00:00Z"))).contains(at("2025-07-02T00:00:00Z"));
  }

  @Test
  void aScheduleOutsideTheDstGapKeepsItsLocalTimeAcrossTheSpringChange() {
    // 2025-03-30 is the spring-forward day in Berlin (02:00 CET becomes 03:00 CEST); 04:00 local exists on both days.
    BackupSchedule schedule = BackupSchedule.parse("0 4 * * *", BERLIN);

    assertThat(schedule.nextAfter(at("2025-03-29T12:00:00Z"))).contains(at("2025-03-30T02:00:00Z"));
    assertThat(schedule.nextAfter(at("2025-03-28T12:00:00Z"))).contains(at("2025-03-29T03:00:00Z"));
  }

  @Test
  void aTimeInTheSpringGapRunsOnceJustAfterTheClockJumps() {
    // 2025-03-30 02:30 does not exist in Berlin; cron daemons run such a job right after the jump.
    BackupSchedule schedule = BackupSchedule.parse("30 2 * * *", BERLIN);

    assertThat(schedule.nextAfter(at("2025-03-29T23:00:00Z"))).contains(at("2025-03-30T01:30:00Z"));
    assertThat(schedule.latestAtOrBefore(at("2025-03-30T12:00:00Z"))).contains(at("2025-03-30T01:30:00Z"));
    assertThat(schedule.latestAtOrBefore(at("2025-03-30T01:10:00Z"))).as("not before it happened")
        .contains(at("2025-03-29T01:30:00Z"));
    assertThat(schedule.nextAfter(at("2025-03-30T01:30:00Z"))).contains(at("2025-03-31T00:30:00Z"));
  }

  @Test
  void aTimeThatHappensTwiceInAutumnRunsOnceAtItsFirstOccurrence() {
    // 2025-10-26 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET) in Berlin.
    BackupSchedule schedule = BackupSchedule.parse("30 2 * * *", BERLIN);

    assertThat(schedule.nextAfter(at("2025-10-25T12:00:00Z"))).contains(at("2025-10-26T00:30:00Z"));
    assertThat(schedule.nextAfter(at("2025-10-26T00:30:00Z"))).contains(at("2025-10-27T01:30:00Z"));
    assertThat(schedule.nextAfter(at("2025-10-26T00:45:00Z"))).contains(at("2025-10-27T01:30:00Z"));
    assertThat(schedule.latestAtOrBefore(at("2025-10-26T05:00:00Z"))).contains(at("2025-10-26T00:30:00Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0 0 2 * * *", "0 2 * *", "61 * * * *", "0 25 * * *", "not a cron", "@fortnightly", "@reboot"})
  void invalidExpressionsThrowIllegalArgumentException(String expression) {
    assertThatThrownBy(() -> BackupSchedule.parse(expression, ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("null");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void aMissingExpressionIsRejectedAsEmpty(String expression) {
    assertThatThrownBy(() -> BackupSchedule.parse(expression, ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("is empty");
  }

  @Test
  void sixFieldsAreRejectedWithTheCountInTheMessage() {
    assertThatThrownBy(() -> BackupSchedule.parse("0 0 2 * * *", ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("6 parts");
  }
}
