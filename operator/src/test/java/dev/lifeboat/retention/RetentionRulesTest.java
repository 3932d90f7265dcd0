package dev.lifeboat.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetentionRulesTest {

  @Test
  void parseReadsTheAgentCommandLineForm() {
    RetentionRules rules =
        RetentionRules.parse("keepLast=7,keepDaily=7,keepWeekly=4,keepMonthly=12", List.of("x"));

    assertThat(rules).isEqualTo(new RetentionRules(7, 0, 7, 4, 12, 0, Set.of("x")));
  }

  @Test
  void parseAcceptsAnySubsetInAnyOrderWithSpaces() {
    RetentionRules rules = RetentionRules.parse(" keepYearly = 3 , keepHourly=24 ", null);

    assertThat(rules).isEqualTo(new RetentionRules(0, 24, 0, 0, 0, 3, Set.of()));
  }

  @Test
  void formatIsCanonicalOrderWithOnlyRulesAboveZero() {
    RetentionRules rules =
        RetentionRules.parse("keepYearly=2,keepMonthly=12,keepDaily=0,keepLast=7", List.of());

    assertThat(rules.format()).isEqualTo("keepLast=7,keepMonthly=12,keepYearly=2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "keepLast=7,keepDaily=7,keepWeekly=4,keepMonthly=12",
        "keepLast=1,keepHourly=2,keepDaily=3,keepWeekly=4,keepMonthly=5,keepYearly=6",
        "keepYearly=10",
        ""
      })
  void parseOfFormatRoundTrips(String spec) {
    RetentionRules rules = RetentionRules.parse(spec, List.of("20251109T020000Z"));

    assertThat(rules.format()).isEqualTo(spec);
    assertThat(RetentionRules.parse(rules.format(), rules.pinned())).isEqualTo(rules);
  }

  @Test
  void formatLeavesPinsOut() {
    RetentionRules rules = new RetentionRules(1, 0, 0, 0, 0, 0, Set.of("20251109T020000Z"));

    assertThat(rules.format()).isEqualTo("keepLast=1");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "keepDayly=7              | --retention: unknown rule 'keepDayly'",
        "keepLast=7,keep-daily=7  | --retention: unknown rule 'keep-daily'",
        "keepDaily=-1             | --retention: keepDaily needs a whole number of 0 or more, got '-1'",
        "keepDaily=seven          | --retention: keepDaily needs a whole number of 0 or more, got 'seven'",
        "keepDaily=               | --retention: keepDaily needs a whole number of 0 or more, got ''",
        "keepDaily=1.5            | --retention: keepDaily needs a whole number of 0 or more, got '1.5'",
        "keepDaily=99999999999    | --retention: keepDaily is too large, got '99999999999'",
        "keepDaily                | --retention: expected NAME=COUNT, got 'keepDaily'",
        "keepDaily=7,keepDaily=3  | --retention: rule 'keepDaily' given more than once",
        "keepLast=7,              | --retention: empty rule in 'keepLast=7,'",
        "keepLast=7,,keepDaily=7  | --retention: empty rule in 'keepLast=7,,keepDaily=7'",
      })
  void parseRejectsBadInputNamingTheBadPart(String spec, String message) {
    assertThatThrownBy(() -> RetentionRules.parse(spec, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void unknownRuleMessageListsTheKnownRules() {
    assertThatThrownBy(() -> RetentionRules.parse("keepDayly=7", List.of()))
        .hasMessage(
            "--retention: unknown rule 'keepDayly' (known: keepLast, keepHourly, keepDaily,"
                + " keepWeekly, keepMonthly, keepYearly)");
  }

  @Test
  void keepsSomethingNeedsOneRuleAboveZero() {
    assertThat(RetentionRules.parse("keepWeekly=1", List.of()).keepsSomething()).isTrue();
    assertThat(RetentionRules.parse("keepLast=0,keepDaily=0", List.of()).keepsSomething())
        .isFalse();
    assertThat(RetentionRules.parse("", List.of("20251109T020000Z")).keepsSomething())
        .as("pins alone keep only the pinned backups, so they do not count")
        .isFalse();
  }

  @Test
  void constructorRejectsNegativeCountsByName() {
    assertThatThrownBy(() -> new RetentionRules(0, 0, 0, -4, 0, 0, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keepWeekly must be 0 or more, got -4");
  }

  @Test
  void pinnedIsNeverNullAndImmutable() {
    RetentionRules rules = new RetentionRules(1, 0, 0, 0, 0, 0, null);

    assertThat(rules.pinned()).isEmpty();
    assertThatThrownBy(() -> rules.pinned().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void blankPinnedIdsAreRejected() {
    assertThatThrownBy(() -> RetentionRules.parse("keepLast=1", List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pinned backup ids must not be blank");
  }
}
