package dev.lifeboat;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLogLayoutTest {
  private final LoggerContext context = new LoggerContext();
  private final JsonLogLayout layout = new JsonLogLayout();

  /** An event as logback makes one, with the MDC of the thread that logged it ({@code mdc}). */
  private LoggingEvent event(Map<String, String> mdc, String message, Throwable thrown, Object... args) {
    LoggingEvent event = new LoggingEvent(JsonLogLayoutTest.class.getName(), context.getLogger("dev.lifeboat.backuppolicy.BackupRuns"),
        Level.INFO, message, thrown, args);
    event.setThreadName("ReconcilerExecutor-backuppolicy-42");
    event.setMDCPropertyMap(mdc);
    return event;
  }

  @Test
  void aLineIsOneJsonObjectWithAnIsoTimestampAndTheMessageUnderMessage() throws Exception {
    LoggingEvent event = event(Map.of(), "started {} backup {} of {}", null, "Manual", "20251109T020000Z", "rose/rose-memory");
    event.setInstant(Instant.parse("2025-11-09T02:00:41.123Z"));

    String line = layout.doLayout(event);

    assertThat(line).endsWith("\n").doesNotContain("\r").hasLineCount(1);
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("timestamp").asText()).isEqualTo("2025-11-09T02:00:41.123Z");
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("logger").asText()).isEqualTo("dev.lifeboat.backuppolicy.BackupRuns");
    assertThat(json.get("thread").asText()).isEqualTo("ReconcilerExecutor-backuppolicy-42");
    assertThat(json.get("message").asText()).isEqualTo("started Manual backup 20251109T020000Z of rose/rose-memory");
  }

  @Test
  void theResourceBeingReconciledComesFromTheMdc() throws Exception {
    LoggingEvent event = event(Map.of("resource.kind", "BackupPolicy", "resource.namespace", "rose",
        "resource.name", "rose-memory"), "backup failed", null);

    JsonNode json = new ObjectMapper().readTree(layout.doLayout(event));

    assertThat(json.get("resource.kind").asText()).isEqualTo("BackupPolicy");
    assertThat(json.get("resource.namespace").asText()).isEqualTo("rose");
    assertThat(json.get("resource.name").asText()).isEqualTo("rose-memory");
  }

  @Test
  void anExceptionStaysOnTheSameLineWithItsStackTrace() throws Exception {
    String line = layout.doLayout(event(Map.of(), "reconcile failed: \"quoted\"\nsecond line", new IllegalStateException("boom")));

    assertThat(line).hasLineCount(1);
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("message").asText()).isEqualTo("reconcile failed: \"quoted\"\nsecond line");
    assertThat(json.get("exception").asText()).startsWith("java.lang.IllegalStateException: boom")
        .contains("at dev.lifeboat.JsonLogLayoutTest.");
  }

  @Test
  void theOperatorSdkIsToldToPutTheResourceIntoTheMdc() {
    Map<String, String> before = new java.util.HashMap<>();
    for (String key : List.of(LogSetup.SDK_MDC, "logback.configurationFile")) {
      before.put(key, System.clearProperty(key));
    }
    try {
      LogSetup.configure(new String[] {"operator"});
      assertThat(System.getProperty(LogSetup.SDK_MDC)).isEqualTo("true");
    } finally {
      before.forEach((key, value) -> {
        if (value == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, value);
        }
      });
    }
  }
}
