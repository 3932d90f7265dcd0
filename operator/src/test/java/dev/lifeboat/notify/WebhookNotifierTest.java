package dev.lifeboat.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.Notifier.Notification;
import dev.lifeboat.testing.LogCapture;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WebhookNotifierTest {
  static final Notification OVERDUE = new Notification("rose", "BackupPolicy", "rose-memory", "BackupOverdue", "True",
      "Overdue", "newest successful backup 20251109T020000Z is 27h old", "2025-11-10T05:00:00Z", true);
  @RegisterExtension
  final LogCapture logs = LogCapture.of(WebhookNotifier.class);

  @AfterEach
  void noUrlWasLogged() {
    assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).contains(WebhookReceiver.TOKEN));
  }

  @Test
  void aNotificationIsPostedAsSlackCompatibleJsonWithEveryField() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(() -> 200);
        WebhookNotifier notifier = new WebhookNotifier(() -> Optional.of(receiver.url()))) {
      notifier.notify(OVERDUE);

      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.bodies().size() == 1);
      JsonNode body = new ObjectMapper().readTree(receiver.bodies().get(0));
      assertThat(body.get("text").asText()).contains("rose/rose-memory").contains("BackupOverdue True (Overdue)")
          .contains("27h old");
      assertThat(body.get("policy").asText()).isEqualTo("rose-memory");
      assertThat(body.get("namespace").asText()).isEqualTo("rose");
      assertThat(body.get("condition").asText()).isEqualTo("BackupOverdue");
      assertThat(body.get("reason").asText()).isEqualTo("Overdue");
      assertThat(body.get("time").asText()).isEqualTo("2025-11-10T05:00:00Z");
      assertThat(body.get("severity").asText()).isEqualTo("warning");
    }
  }

  @Test
  void aServerErrorIsRetriedWithBackoffUntilDelivered() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookReceiver receiver = new WebhookReceiver(() -> calls.incrementAndGet() <= 2 ? 503 : 200);
        WebhookNotifier notifier = new WebhookNotifier(() -> Optional.of(receiver.url()), Duration.ofMillis(20), 5)) {
      notifier.notify(OVERDUE);

      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.bodies().size() == 1);
      assertThat(receiver.requests()).isEqualTo(3);
    }
  }

  @Test
  void aRefusalIsNotRetriedAndNeverBlocksTheCaller() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(() -> 400);
        WebhookNotifier notifier = new WebhookNotifier(() -> Optional.of(receiver.url()), Duration.ofMillis(20), 5)) {
      for (int i = 0; i < WebhookNotifier.QUEUE + 10; i++) {
        notifier.notify(OVERDUE); // more than the queue holds: the rest are dropped, never waited for
      }

      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests() >= 2);
      assertThat(logs.lines())
          .anySatisfy(line -> assertThat(line).contains("webhook refused a notification (HTTP 400)"))
          .anySatisfy(line -> assertThat(line).contains("webhook notification dropped"));
    }
  }

  @Test
  void anUnreachableWebhookIsGivenUpAfterItsTriesWithoutItsUrlInTheLog() throws Exception {
    WebhookReceiver gone = new WebhookReceiver(() -> 200);
    var url = gone.url();
    gone.close();
    try (WebhookNotifier notifier = new WebhookNotifier(() -> Optional.of(url), Duration.ofMillis(10), 3)) {
      notifier.notify(OVERDUE);

      await().atMost(Duration.ofSeconds(20)).until(() -> logs.lines().stream()
          .anyMatch(line -> line.contains("given up after 3 tries")));
    }
  }
}
