package dev.lifeboat.common;

import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionWriterTest {
  static final Instant T0 = Instant.parse("2025-11-09T02:00:41Z");
  static final Instant T1 = Instant.parse("2025-11-09T03:00:00Z");
  static final Instant T2 = Instant.parse("2025-11-10T04:00:00Z");

  final List<Condition> conditions = new ArrayList<>();

  /** The writer one reconcile of generation {@code generation} would hold at {@code now}. */
  ConditionWriter at(long generation, Instant now) {
    return new ConditionWriter(conditions, generation, now);
  }

  @Test
  void aNewConditionGetsEveryFieldAndTransitionsNow() {
    at(3L, T0).set("BackupOverdue", false, "BackupFresh", "last backup 1h ago");

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
    at(1L, T0).set("Ready", true, "BackupsFresh", "first message");

    at(2L, T1).set("Ready", true, "StillFresh", "second message");

    Condition ready = assertCondition(conditions, "Ready", "True", "StillFresh", "second message", 2L);
    assertThat(ready.getMessage()).isEqualTo("second message");
    assertThat(ready.getLastTransitionTime()).isEqualTo("2025-11-09T02:00:41Z");
    assertThat(conditions).hasSize(1);
  }

  @Test
  void aStatusChangeMovesTheTransitionTime() {
    at(1L, T0).set("BackupOverdue", false, "BackupFresh", "fresh");
    at(1L, T2).set("BackupOverdue", true, "NoRecentBackup", "last backup 26h ago");

    Condition overdue = assertCondition(conditions, "BackupOverdue", "True", "NoRecentBackup", "last backup 26h ago", 1L);
    assertThat(overdue.getLastTransitionTime()).isEqualTo("2025-11-10T04:00:00Z");

    at(1L, T2.plusSeconds(60)).unknown("BackupOverdue", "Invalid", "spec is invalid");
    assertThat(assertCondition(conditions, "BackupOverdue", "Unknown", "Invalid", "spec is invalid", 1L)
        .getLastTransitionTime())
        .isEqualTo("2025-11-10T04:01:00Z");
  }

  @Test
  void updatesKeepTheOrderOfConditions() {
    at(1L, T0).set("Ready", true, "A", "a");
    at(1L, T0).set("BackupOverdue", false, "B", "b");
    at(1L, T0).set("LastBackupSucceeded", true, "C", "c");

    at(2L, T1).set("BackupOverdue", true, "B2", "b2");
    at(2L, T1).set("Ready", true, "A2", "a2");

    assertThat(conditions).extracting(Condition::getType, Condition::getReason).containsExactly(
        tuple("Ready", "A2"),
        tuple("BackupOverdue", "B2"),
        tuple("LastBackupSucceeded", "C"));
  }

  @Test
  void transitionTimesAreWholeSeconds() {
    at(1L, Instant.parse("2025-11-09T02:00:41.987654321Z")).set("Ready", true, "A", "a");

    assertThat(conditions.get(0).getLastTransitionTime()).isEqualTo("2025-11-09T02:00:41Z");
  }

  @Test
  void isTrueOnlyForAPresentTrueCondition() {
    at(1L, T0).set("Ready", true, "A", "a");
    at(1L, T0).set("BackupOverdue", false, "B", "b");

    assertThat(Conditions.isTrue(conditions, "Ready")).isTrue();
    assertThat(Conditions.isTrue(conditions, "BackupOverdue")).isFalse();
    assertThat(Conditions.isTrue(conditions, "BackupSuspicious")).isFalse();
    assertThat(Conditions.isTrue(null, "Ready")).isFalse();
    assertThat(Conditions.find(null, "Ready")).isEmpty();
  }
}
