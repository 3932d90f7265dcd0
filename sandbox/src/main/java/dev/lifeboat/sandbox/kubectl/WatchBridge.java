package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A watch over plain HTTP, as kubectl ({@code get -w}, {@code wait}) asks for it: one JSON watch
 * event per line of a chunked answer, each taken from the mock API server's WebSocket watch of the
 * same path and query (the only way it serves watches). Ends when the client goes, when the
 * WebSocket closes, or after the request's {@code timeoutSeconds}, as an API server ends it.
 */
final class WatchBridge {
  private static final String END = "";
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  WatchBridge(HttpClient http) {
    this.http = http;
  }

  /**
   * Streams the watch at {@code upstream} to {@code exchange}, each event's object through
   * {@code convert}. The mock server starts every watch with the objects it holds (ADDED); those not newer
   * than {@code since} (the resourceVersion the client asked to watch from, as kubectl does after
   * listing) are left out, as an API server sends only what changed after it.
   */
  void stream(URI upstream, HttpExchange exchange, long timeoutSeconds, long since, UnaryOperator<JsonNode> convert)
      throws IOException {
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    WebSocket socket;
    try {
      socket = http.newWebSocketBuilder().buildAsync(upstream, new Collector(events)).join();
    } catch (RuntimeException e) {
      FrontResponses.status(exchange, 503, "ServiceUnavailable", "cannot open the watch: " + e.getMessage());
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    long deadline = timeoutSeconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds) : Long.MAX_VALUE;
    try (OutputStream out = exchange.getResponseBody()) {
      out.flush();
      while (true) {
        long left = deadline - System.nanoTime();
        String message = events.poll(Math.min(Math.max(left, 0), TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        if (message == END || left <= 0) {
          break;
        }
        if (message == null) {
          continue; // nothing yet; look whether the deadline passed
        }
        JsonNode event = json.readTree(message);
        if (since > 0 && "ADDED".equals(event.path("type").asText()) && resourceVersion(event) <= since) {
          continue;
        }
        out.write((event(event, convert) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away: nothing to answer
    } finally {
      socket.abort();
    }
  }

  /** The event's object's resourceVersion; the largest number when there is none (never left out). */
  private static long resourceVersion(JsonNode event) {
    try {
      return Long.parseLong(event.path("object").path("metadata").path("resourceVersion").asText());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String event(JsonNode event, UnaryOperator<JsonNode> convert) {
    String type = event.path("type").asText();
    if (type.equals("BOOKMARK") || type.equals("ERROR") || !event.has("object")) {
      return event.toString();
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) event).set("object", convert.apply(event.get("object")));
    return event.toString();
  }

  /** Queues each whole text message; the end of the socket as {@link #END}. */
  private record Collector(BlockingQueue<String> events, StringBuilder partial) implements WebSocket.Listener {
    Collector(BlockingQueue<String> events) {
      this(events, new StringBuilder());
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        events.add(partial.toString());
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      events.add(END);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      events.add(END);
    }
  }
}
