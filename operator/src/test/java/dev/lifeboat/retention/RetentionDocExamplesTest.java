package dev.lifeboat.retention;

import static dev.lifeboat.retention.Backups.at;
import static dev.lifeboat.retention.Backups.expect;
import static dev.lifeboat.retention.Backups.keptBy;
import static dev.lifeboat.retention.Backups.pruned;
import static dev.lifeboat.retention.Backups.suspiciousAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked examples of docs/retention.md, so the documentation cannot drift from the code. */
class RetentionDocExamplesTest {

  @Test
  void gfsExampleKeepsWhatTheDocumentationTableSays() {
    List<BackupRef> backups =
        List.of(
            at("2025-11-09T14:00:00Z"),
            at("2025-11-09T02:00:00Z"),
            at("2025-11-08T02:00:00Z"),
            at("2025-11-06T02:00:00Z"),
            at("2025-11-03T02:00:00Z"),
            at("2025-11-02T02:00:00Z"),
            at("2025-10-29T02:00:00Z"),
            at("2025-10-20T02:00:00Z"),
            at("2025-10-01T02:00:00Z"),
            at("2025-09-15T02:00:00Z"),
            at("2025-09-01T02:00:00Z"),
            at("2025-07-15T02:00:00Z"));
    RetentionRules rules =
        RetentionRules.parse("keepLast=2,keepDaily=3,keepWeekly=2,keepMonthly=3", List.of());

    RetentionDecision decision = RetentionSelector.select(backups, rules);

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect(
                "20251109T140000Z", "last,daily,weekly,monthly",
                "20251109T020000Z", "last",
                "20251108T020000Z", "daily",
                "20251106T020000Z", "daily",
                "20251102T020000Z", "weekly",
                "20251029T020000Z", "monthly",
                "20250915T020000Z", "monthly"));
    assertThat(pruned(decision))
        .containsExactly(
            "20251103T020000Z",
            "20251020T020000Z",
            "20251001T020000Z",
            "20250901T020000Z",
            "20250715T020000Z");
  }

  @Test
  void guardExampleKeepsWhatTheDocumentationTableSays() {
    List<BackupRef> backups =
        List.of(
            suspiciousAt("2025-11-10T02:00:00Z"),
            at("2025-11-09T02:00:00Z"),
            at("2025-11-08T02:00:00Z"),
            at("2025-11-07T02:00:00Z"));

    assertThat(keptBy(RetentionSelector.select(backups, RetentionRules.parse("keepDaily=2", null))))
        .containsExactlyEntriesOf(
            expect(
                "20251110T020000Z", "daily",
                "20251109T020000Z", "daily",
                "20251108T020000Z", "guard",
                "20251107T020000Z", "guard"));
    assertThat(keptBy(RetentionSelector.select(backups, RetentionRules.parse("keepLast=1", null))))
        .containsExactlyEntriesOf(
            expect(
                "20251110T020000Z", "last",
                "20251109T020000Z", "newest",
                "20251108T020000Z", "guard",
                "20251107T020000Z", "guard"));
  }

  @Test
  void pinnedExampleKeepsWhatTheDocumentationTableSays() {
    List<BackupRef> backups =
        List.of(
            at("2025-11-09T02:00:00Z"),
            at("2025-11-08T02:00:00Z"),
            at("2025-11-07T02:00:00Z"),
            at("2024-01-01T02:00:00Z"));

    RetentionDecision decision =
        RetentionSelector.select(
            backups, RetentionRules.parse("keepLast=2", List.of("20240101T020000Z")));

    assertThat(keptBy(decision))
        .containsExactlyEntriesOf(
            expect(
                "20251109T020000Z", "last",
                "20251108T020000Z", "last",
                "20240101T020000Z", "pinned"));
    assertThat(pruned(decision)).containsExactly("20251107T020000Z");
  }
}
