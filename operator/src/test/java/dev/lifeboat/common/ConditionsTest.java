package dev.lifeboat.common;

import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  static final Instant T0 = Instant.parse("2025-11-09T02:00:41Z");
  static final Instant T1 = Instant.parse("2025-11-09T03:00:00Z");
  static final Instant T2 = Instant.parse("2025-11-10T04:00:00Z");

  final List<Condition> conditions = new ArrayList<>();

  @Test
  void aNewConditionGetsEveryFieldAndTransitionsNow() {
    Conditions.set(conditions, "BackupOverdue", false, "BackupFresh", "last backup 1h ago", 3L, T0);

    assertThat(conditions).singleElement().satisfies(c -> {
      assertThat(c.getType()).isEqualTo("BackupOverdue");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("BackupFresh");
      assertThat(c.getMessage()).isEqualTo("last backup 1h ago");
      assertThat(c.getObservedGeneration()).isEqualTo(3L);
      assertThat(c.getLastTransitionTime()).isEqualTo("2025-11-09T02:00:41Z");
    });
  }

  @Test
  void theSameStatusKeepsTheTransitionTimeButRefreshesTheRest() {
    Conditions.set(conditions, "Ready", true, "BackupsFresh", "first message", 1L, T0);

    Conditions.set(conditions, "Ready", true, "StillFresh", "second message", 2L, T1);

    Condition ready = assertCondition(conditions, "Ready", "True", "StillFresh");
    assertThat(ready.getMessage()).isEqualTo("second message");
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2025-11-09T02:00:41Z");
    assertThat(conditions).hasSize(1);
  }

  @Test
  void aStatusChangeMovesTheTransitionTime() {
    Conditions.set(conditions, "BackupOverdue", false, "BackupFresh", "fresh", 1L, T0);
    Conditions.set(conditions, "BackupOverdue", true, "NoRecentBackup", "last backup 26h ago", 1L, T2);

    Condition overdue = assertCondition(conditions, "BackupOverdue", "True", "NoRecentBackup");
    assertThat(overdue.getLastTransitionTime()).isEqualTo("2025-11-10T04:00:00Z");

    Conditions.set(conditions, "BackupOverdue", "Unknown", "Invalid", "spec is invalid", 1L, T2.plusSeconds(60));
    assertThat(assertCondition(conditions, "BackupOverdue", "Unknown", "Invalid").getLastTransitionTime())
        .isEqualTo("2025-11-10T04:01:00Z");
  }

  @Test
  void updatesKeepTheOrderOfConditions() {
    Conditions.set(conditions, "Ready", true, "A", "a", 1L, T0);
    Conditions.set(conditions, "BackupOverdue", false, "B", "b", 1L, T0);
    Conditions.set(conditions, "LastBackupSucceeded", true, "C", "c", 1L, T0);

    Conditions.set(conditions, "BackupOverdue", true, "B2", "b2", 2L, T1);
    Conditions.set(conditions, "Ready", true, "A2", "a2", 2L, T1);

    assertThat(conditions).extracting(Condition::getType, Condition::getReason).containsExactly(
        tuple("Ready", "A2"),
        tuple("BackupOverdue", "B2"),
        tuple("LastBackupSucceeded", "C"));
  }

  @Test
  void transitionTimesAreWholeSeconds() {
    Conditions.set(conditions, "Ready", true, "A", "a", 1L, Instant.parse("2025-11-09T02:00:41.987654321Z"));

    assertThat(conditions.get(0).getLastTransitionTime()).isEqualTo("2025-11-09T02:00:41Z");
  }

  @Test
  void isTrueOnlyForAPresentTrueCondition() {
    Conditions.set(conditions, "Ready", true, "A", "a", 1L, T0);
    Conditions.set(conditions, "BackupOverdue", false, "B", "b", 1L, T0);

    assertThat(Conditions.isTrue(conditions, "Ready")).isTrue();
    assertThat(Conditions.isTrue(conditions, "BackupOverdue")).isFalse();
    assertThat(Conditions.isTrue(conditions, "BackupSuspicious")).isFalse();
    assertThat(Conditions.isTrue(null, "Ready")).isFalse();
    assertThat(Conditions.find(null, "Ready")).isEmpty();
  }
}
