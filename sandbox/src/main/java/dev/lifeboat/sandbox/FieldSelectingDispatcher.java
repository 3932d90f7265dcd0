package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Field selectors on lists and watches ({@link FieldSelector}), which the CRUD mock reads only for
 * {@code metadata.name}/{@code metadata.namespace} (any other field matches nothing there). So
 * {@code kubectl describe} sees only its object's Events, and an unsupported field is refused with
 * the API server's 400. The mock lists or watches without the selector, and what it answers is
 * filtered: a list's items, a watch's events. A watched object that comes to match, or stops
 * matching, arrives as ADDED or DELETED, as the API server sends it.
 */
class FieldSelectingDispatcher extends KubernetesCrudDispatcher {
  /** {@code /api/v1} or {@code /apis/<group>/<version>}, then {@code [namespaces/<ns>/]<plural>[/<name>]}. */
  private static final Pattern COLLECTION = Pattern.compile(
      "^/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/[^/]+)?/([^/]+)(?:/[^/]+)?$");
  private final ObjectMapper json = new ObjectMapper();

  FieldSelectingDispatcher() {
    super(List.of());
  }

  @Override
  public MockResponse handleGet(String path) {
    String target = path == null ? "" : path;
    int question = target.indexOf('?');
    Matcher collection = COLLECTION.matcher(question < 0 ? target : target.substring(0, question));
    String selector = question < 0 ? null
        : PodLogDispatcher.queryAll(target.substring(question + 1)).getOrDefault("fieldSelector", List.of()).stream()
            .reduce((a, b) -> b).orElse(null);
    if (selector == null || !collection.matches()) {
      return super.handleGet(path);
    }
    FieldSelector fields;
    try {
      fields = FieldSelector.parse(selector, collection.group(1) == null ? "" : collection.group(1),
          collection.group(2));
    } catch (IllegalArgumentException e) {
      return ApiStatus.failure(400, "BadRequest", e.getMessage());
    }
    MockResponse answer = super.handleGet(withoutFieldSelector(target, question));
    if (answer.getWebSocketListener() != null) {
      return answer.withWebSocketUpgrade(new Filtered(answer.getWebSocketListener(), fields));
    }
    if (answer.code() != 200 || answer.getBody() == null) {
      return answer;
    }
    try {
      JsonNode body = json.readTree(answer.getBody().readUtf8());
      if (body.path("items").isArray()) {
        ArrayNode kept = json.createArrayNode();
        body.path("items").forEach(item -> {
          if (fields.matches(item)) {
            kept.add(item);
          }
        });
        ((ObjectNode) body).set("items", kept);
      }
      return answer.setBody(json.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalStateException("the mock server answered a list with no JSON: " + e.getMessage(), e);
    }
  }

  private static String withoutFieldSelector(String target, int question) {
    StringBuilder kept = new StringBuilder();
    for (String pair : target.substring(question + 1).split("&")) {
      String key = URLDecoder.decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair,
          StandardCharsets.UTF_8);
      if (!key.equals("fieldSelector") && !pair.isEmpty()) {
        kept.append(kept.length() == 0 ? "?" : "&").append(pair);
      }
    }
    return target.substring(0, question) + kept;
  }

  /** The mock's watch, with only the events of objects the selector matches reaching the client. */
  private final class Filtered extends WebSocketListener {
    private final WebSocketListener watch;
    private final FieldSelector fields;
    /** The objects the client has been told of and not told are gone, by uid. */
    private final Set<String> shown = new HashSet<>();

    Filtered(WebSocketListener watch, FieldSelector fields) {
      this.watch = watch;
      this.fields = fields;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      watch.onBeforeAccept(filtering(webSocket), response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      watch.onOpen(filtering(webSocket), response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      watch.onMessage(filtering(webSocket), text);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      watch.onClosing(filtering(webSocket), code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      watch.onClosed(filtering(webSocket), code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      watch.onFailure(filtering(webSocket), error, response);
    }

    private WebSocket filtering(WebSocket socket) {
      return new WebSocket() {
        @Override
        public RecordedRequest request() {
          return socket.request();
        }

        @Override
        public boolean send(String text) {
          String event = filter(text);
          return event == null || socket.send(event);
        }

        @Override
        public boolean send(byte[] bytes) {
          return send(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public boolean close(int code, String reason) {
          return socket.close(code, reason);
        }
      };
    }

    /** The event as the client is to see it, or null if it is not to see it. */
    private synchronized String filter(String text) {
      JsonNode event;
      try {
        event = json.readTree(text);
      } catch (IOException e) {
        return text;
      }
      String type = event.path("type").asText();
      JsonNode object = event.path("object");
      String uid = object.path("metadata").path("uid").asText();
      if (!type.equals("ADDED") && !type.equals("MODIFIED") && !type.equals("DELETED")) {
        return text; // errors and bookmarks
      }
      boolean matches = !type.equals("DELETED") && fields.matches(object);
      boolean wasShown = shown.contains(uid);
      String sent;
      if (matches) {
        shown.add(uid);
        sent = wasShown ? type : "ADDED";
      } else {
        shown.remove(uid);
        sent = wasShown ? "DELETED" : null;
      }
      if (sent == null) {
        return null;
      }
      ((ObjectNode) event).put("type", sent);
      try {
        return json.writeValueAsString(event);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
