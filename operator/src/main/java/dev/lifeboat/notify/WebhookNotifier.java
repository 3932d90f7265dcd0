package dev.lifeboat.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.Notifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each notification as JSON to a webhook (Slack-compatible: the {@code text} field; the
 * fields for anything else), from a thread of its own, so a slow or failing webhook never holds a
 * reconcile. A refused delivery (5xx, 429, a connection problem) is retried with growing pauses;
 * one refused for good (another 4xx) is dropped. Queue full: the new notification is dropped and
 * logged. The URL, which holds a credential in most chat webhooks, is never logged.
 */
public final class WebhookNotifier implements Notifier, AutoCloseable {
  static final int QUEUE = 256;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<Optional<URI>> url;
  private final HttpClient http;
  private final Duration firstPause;
  private final int attempts;
  private final BlockingQueue<Notification> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread sender;
  private volatile boolean closed;

  /** {@code url}: where to post now (looked up for each delivery, so a rotated Secret is followed); empty: not configured. */
  public WebhookNotifier(Supplier<Optional<URI>> url) {
    this(url, Duration.ofSeconds(2), 6);
  }

  WebhookNotifier(Supplier<Optional<URI>> url, Duration firstPause, int attempts) {
    this.url = url;
    this.firstPause = firstPause;
    this.attempts = attempts;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.sender = new Thread(this::send, "lifeboat-webhook");
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void notify(Notification notification) {
    if (!queue.offer(notification)) {
      LOG.warn("webhook notification dropped, {} waiting already: {} {}/{} {} {}", QUEUE, notification.kind(),
          notification.namespace(), notification.name(), notification.condition(), notification.status());
    }
  }

  /** The JSON posted: Slack's {@code text}, and each field on its own for other receivers. */
  static String body(Notification n) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", (n.warning() ? ":warning: " : ":white_check_mark: ") + "Lifeboat " + n.kind() + " " + n.namespace()
        + "/" + n.name() + ": " + n.condition() + " " + n.status() + " (" + n.reason() + ") " + n.message());
    body.put("namespace", n.namespace());
    body.put("kind", n.kind());
    body.put("name", n.name());
    if ("BackupPolicy".equals(n.kind())) {
      body.put("policy", n.name());
    }
    body.put("condition", n.condition());
    body.put("status", n.status());
    body.put("reason", n.reason());
    body.put("message", n.message());
    body.put("time", n.time());
    body.put("severity", n.warning() ? "warning" : "info");
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void send() {
    while (!closed) {
      Notification next;
      try {
        next = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (next != null) {
        deliver(next);
      }
    }
  }

  private void deliver(Notification n) {
    Duration pause = firstPause;
    for (int attempt = 1; attempt <= attempts && !closed; attempt++) {
      Optional<URI> target = url.get();
      if (target.isEmpty()) {
        LOG.warn("webhook notification not sent: the webhook's URL is not available (see the operator's log above)");
        return;
      }
      String problem;
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(target.get()).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body(n))).build(),
            HttpResponse.BodyHandlers.discarding());
        int code = response.statusCode();
        if (code / 100 == 2) {
          return;
        }
        problem = "HTTP " + code;
        if (code / 100 == 4 && code != 429 && code != 408) {
          LOG.warn("webhook refused a notification ({}) for {}/{}; not retried", problem, n.namespace(), n.name());
          return;
        }
      } catch (IOException e) {
        problem = e.getClass().getSimpleName(); // its message may hold the URL
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      LOG.info("webhook delivery {} of {} failed ({}); next try in {}", attempt, attempts, problem, pause);
      if (attempt < attempts) {
        try {
          Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        pause = pause.multipliedBy(2);
      }
    }
    LOG.warn("webhook notification for {}/{} {} {} given up after {} tries", n.namespace(), n.name(), n.condition(),
        n.status(), attempts);
  }

  @Override
  public void close() {
    closed = true;
    sender.interrupt();
  }
}
