package dev.lifeboat.sandbox.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Table cells as the API server computes them from a CRD's printer columns, which kubectl prints as given. */
class PrinterColumnTest {
  static final Instant NOW = Instant.parse("2025-11-10T12:00:00Z");

  static JsonNode policy() throws Exception {
    return new ObjectMapper().readTree("""
        {"metadata": {"name": "rose-memory", "creationTimestamp": "2025-11-08T12:00:00Z"},
         "status": {"lastSuccessfulBackup": "2025-11-10T02:00:41Z", "nextBackup": "2025-11-11T02:00:00Z",
                    "conditions": [{"type": "Ready", "status": "True"}, {"type": "BackupOverdue", "status": "False"}]}}
        """);
  }

  @Test
  void aDateColumnPrintsAnAgeAndAFutureTimeAsInvalid() throws Exception {
    assertThat(PrinterColumn.of("Last", "date", ".status.lastSuccessfulBackup").cell(policy(), NOW).asText())
        .isEqualTo("9h");
    // Why the policy's Next column is a string: a date in the future is <invalid> on a real cluster.
    assertThat(PrinterColumn.of("Next", "date", ".status.nextBackup").cell(policy(), NOW).asText())
        .isEqualTo("<invalid>");
  }

  @Test
  void aStringColumnPrintsTheTimeItself() throws Exception {
    assertThat(PrinterColumn.of("Next", "string", ".status.nextBackup").cell(policy(), NOW).asText())
        .isEqualTo("2025-11-11T02:00:00Z");
  }

  @Test
  void aFilterPicksTheConditionOfOneTypeAndAMissingFieldIsNull() throws Exception {
    assertThat(PrinterColumn.of("Overdue", "string", ".status.conditions[?(@.type==\"BackupOverdue\")].status")
        .cell(policy(), NOW).asText()).isEqualTo("False");
    assertThat(PrinterColumn.of("Kept", "integer", ".status.retention.kept").cell(policy(), NOW).isNull()).isTrue();
  }

  @Test
  void agesReadAsKubectlPrintsThem() {
    assertThat(PrinterColumn.humanDuration(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(PrinterColumn.humanDuration(Duration.ofSeconds(5 * 60 + 30))).isEqualTo("5m30s");
    assertThat(PrinterColumn.humanDuration(Duration.ofMinutes(200))).isEqualTo("3h20m");
    assertThat(PrinterColumn.humanDuration(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(PrinterColumn.humanDuration(Duration.ofHours(3 * 24 + 5))).isEqualTo("3d5h");
    assertThat(PrinterColumn.humanDuration(Duration.ofDays(40))).isEqualTo("40d");
    assertThat(PrinterColumn.humanDuration(Duration.ofDays(3 * 365 + 10))).isEqualTo("3y10d");
    assertThat(PrinterColumn.humanDuration(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
  }
}
