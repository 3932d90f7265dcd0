package dev.lifeboat.notify;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's URL from one Secret in the operator's own namespace — the only Secret the operator
 * reads, by name — looked up at most once a minute, so a rotated URL is followed without a
 * restart. What is wrong is logged by the Secret's name and key, never the value.
 */
public final class SecretWebhookUrl implements Supplier<Optional<URI>> {
  static final Duration REFRESH = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(SecretWebhookUrl.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String key;
  private final Clock clock;
  private Optional<URI> cached = Optional.empty();
  private Instant readAt;
  private String lastProblem;

  public SecretWebhookUrl(KubernetesClient client, String namespace, String name, String key, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.key = key;
    this.clock = clock;
  }

  @Override
  public synchronized Optional<URI> get() {
    Instant now = clock.instant();
    if (readAt == null || !now.isBefore(readAt.plus(REFRESH))) {
      readAt = now;
      cached = read();
    }
    return cached;
  }

  private Optional<URI> read() {
    String where = "Secret " + namespace + "/" + name + ", key " + key;
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (RuntimeException e) {
      return problem("cannot read the webhook's " + where + ": " + e.getClass().getSimpleName());
    }
    // data only: the API server folds stringData into it and never returns stringData
    String value = secret == null || secret.getData() == null || secret.getData().get(key) == null ? null
        : new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    if (value == null || value.isBlank()) {
      return problem("no webhook URL: " + where + (secret == null ? " does not exist" : " is missing or empty"));
    }
    try {
      URI uri = URI.create(value.strip());
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
        return problem("the webhook URL in " + where + " is not an http(s) URL");
      }
      lastProblem = null;
      return Optional.of(uri);
    } catch (IllegalArgumentException e) {
      return problem("the webhook URL in " + where + " is not a URL");
    }
  }

  private Optional<URI> problem(String text) {
    if (!text.equals(lastProblem)) {
      LOG.warn(text);
      lastProblem = text;
    }
    return Optional.empty();
  }
}
