package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** JSON answers of the front: documents it serves itself, and Status errors as the API server words them. */
final class FrontResponses {
  private FrontResponses() {}

  static void json(HttpExchange exchange, int code, JsonNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static void status(HttpExchange exchange, int code, String reason, String message) throws IOException {
    ObjectNode status = JsonNodeFactory.instance.objectNode().put("kind", "Status").put("apiVersion", "v1")
        .put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    status.putObject("metadata");
    json(exchange, code, status);
  }

  static void notFound(HttpExchange exchange) throws IOException {
    status(exchange, 404, "NotFound", "the server could not find the requested resource");
  }
}
