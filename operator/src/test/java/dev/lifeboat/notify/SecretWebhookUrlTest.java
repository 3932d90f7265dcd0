package dev.lifeboat.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.LogCapture;
import dev.lifeboat.testing.MutableClock;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@EnableKubernetesMockClient(crud = true)
class SecretWebhookUrlTest {
  @RegisterExtension
  final LogCapture logs = LogCapture.of(SecretWebhookUrl.class);
  KubernetesClient client;
  final MutableClock clock = MutableClock.at("2025-11-09T02:00:00Z");

  /** Stored as the API server stores it: in data, base64 (the CRUD mock would keep stringData as sent). */
  void secret(String url) {
    client.secrets().inNamespace("lifeboat-system").resource(new SecretBuilder().withNewMetadata().withName("webhook")
        .withNamespace("lifeboat-system").endMetadata()
        .addToData("url", Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8))).build())
        .createOr(s -> s.update());
  }

  @Test
  void theUrlIsReadFromTheSecretAndARotationIsFollowedWithinAMinute() {
    SecretWebhookUrl url = new SecretWebhookUrl(client, "lifeboat-system", "webhook", "url", clock);
    assertThat(url.get()).as("no Secret yet").isEmpty();
    assertThat(logs.lines()).singleElement().asString().contains("no webhook URL").contains("does not exist");

    clock.advance(SecretWebhookUrl.REFRESH);
    secret("https://hooks.example.test/services/T0/B0/first");
    assertThat(url.get()).contains(URI.create("https://hooks.example.test/services/T0/B0/first"));

    secret("https://hooks.example.test/services/T0/B0/second");
    assertThat(url.get()).as("cached for a minute").contains(URI.create("https://hooks.example.test/services/T0/B0/first"));
    clock.advance(Duration.ofMinutes(1));
    assertThat(url.get()).contains(URI.create("https://hooks.example.test/services/T0/B0/second"));
  }

  @Test
  void somethingThatIsNotAnHttpUrlIsRefused() {
    secret("REPLACE_WITH_YOUR_WEBHOOK");
    assertThat(new SecretWebhookUrl(client, "lifeboat-system", "webhook", "url", clock).get()).isEmpty();
    assertThat(logs.lines()).singleElement().asString()
        .contains("the webhook URL in Secret lifeboat-system/webhook").contains("is not an http(s) URL")
        .doesNotContain("REPLACE_WITH_YOUR_WEBHOOK");
  }
}
