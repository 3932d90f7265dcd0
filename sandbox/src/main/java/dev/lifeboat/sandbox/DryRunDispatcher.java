package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Server dry runs ({@code ?dryRun=All}: {@code kubectl diff}, {@code kubectl apply|delete
 * --dry-run=server}), which the CRUD mock would carry out. The write goes through what the layers
 * above do before storing (strategic merge, a Secret's stringData, validation) and is answered with
 * the object it would store, but nothing is stored, changed or deleted, and no watch hears of it.
 * The answer is the object as written (a create's namespace filled in); what storing would add
 * (uid, resourceVersion, generation) is left out.
 */
class DryRunDispatcher extends FieldSelectingDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  DryRunDispatcher() {
    super();
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    if (!dryRun(request.getPath())) {
      return super.handleCreate(request);
    }
    return answer(request, (object, path) -> {
      String name = object.path("metadata").path("name").asText();
      if (!name.isEmpty() && handleGet(path + "/" + name).code() == 200) {
        return ApiStatus.failure(409, "AlreadyExists", object.path("kind").asText() + " \"" + name + "\" already exists");
      }
      String namespace = namespace(path);
      if (namespace != null && object instanceof ObjectNode created) {
        created.withObject("/metadata").put("namespace", namespace);
      }
      return ok(201, object);
    });
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    if (!dryRun(request.getPath())) {
      return super.handleUpdate(request);
    }
    return answer(request, (object, path) -> {
      JsonNode stored = stored(path);
      if (stored == null) {
        return handleGet(path);
      }
      String expected = object.path("metadata").path("resourceVersion").asText();
      if (!expected.isEmpty() && !expected.equals(stored.path("metadata").path("resourceVersion").asText())) {
        return ApiStatus.failure(409, "Conflict", "Operation cannot be fulfilled on " + object.path("kind").asText()
            + " \"" + object.path("metadata").path("name").asText() + "\": the object has been modified; please apply"
            + " your changes to the latest version and try again");
      }
      return ok(200, object);
    });
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    if (!dryRun(request.getPath())) {
      return super.handlePatch(request);
    }
    String type = String.valueOf(request.getHeader("Content-Type"));
    return answer(request, (patch, path) -> {
      JsonNode stored = stored(path);
      if (stored == null) {
        return handleGet(path);
      }
      Optional<BinaryOperator<JsonNode>> patchType = PatchTypes.of(type);
      if (patchType.isPresent()) {
        return ok(200, patchType.get().apply(patch, stored));
      }
      return ApiStatus.failure(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
          + "accepted media types include: application/json-patch+json, application/merge-patch+json");
    });
  }

  /** A delete's dry run may be asked in its DeleteOptions body (kubectl's) rather than the query. */
  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if ("DELETE".equalsIgnoreCase(request.getMethod()) && isDryRun(request)) {
      return handleGet(PodLogDispatcher.path(request)); // the object, still there; 404 if it is not
    }
    return super.dispatch(request);
  }

  /** Whether the request asks for a dry run, in its query or (a delete's) DeleteOptions body. */
  static boolean isDryRun(RecordedRequest request) {
    return dryRun(request.getPath()) || "DELETE".equalsIgnoreCase(request.getMethod()) && dryRunInBody(request);
  }

  private static boolean dryRunInBody(RecordedRequest request) {
    try {
      byte[] body = PodLogDispatcher.body(request);
      JsonNode options = body.length == 0 ? null : JSON.readTree(body);
      if (options != null) {
        for (JsonNode value : options.path("dryRun")) {
          if ("All".equals(value.asText())) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException e) {
      return false; // not DeleteOptions: the delete is the mock's
    }
  }

  private interface Write {
    MockResponse answer(JsonNode body, String path) throws IOException;
  }

  private MockResponse answer(RecordedRequest request, Write write) {
    JsonNode body;
    try {
      body = JSON.readTree(PodLogDispatcher.body(request));
    } catch (IOException e) {
      return ApiStatus.failure(400, "BadRequest", "the request's body is not JSON");
    }
    if (body == null || !body.isContainerNode()) {
      return ApiStatus.failure(400, "BadRequest", "the request has no object");
    }
    try {
      return write.answer(body, PodLogDispatcher.path(request));
    } catch (IOException | RuntimeException e) {
      return ApiStatus.failure(422, "Invalid", String.valueOf(e.getMessage()));
    }
  }

  private JsonNode stored(String path) throws IOException {
    MockResponse current = handleGet(path);
    return current.code() == 200 && current.getBody() != null ? JSON.readTree(current.getBody().readUtf8()) : null;
  }

  private MockResponse ok(int code, JsonNode object) throws IOException {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(JSON.writeValueAsString(object));
  }

  private static boolean dryRun(String target) {
    int question = target == null ? -1 : target.indexOf('?');
    return question >= 0
        && PodLogDispatcher.queryAll(target.substring(question + 1)).getOrDefault("dryRun", List.of()).contains("All");
  }

  /** The namespace a collection path names ({@code .../namespaces/NS/PLURAL}), or null. */
  private static String namespace(String path) {
    int at = path.indexOf("/namespaces/");
    if (at < 0) {
      return null;
    }
    String rest = path.substring(at + "/namespaces/".length());
    return rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : null;
  }
}
