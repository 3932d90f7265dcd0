package dev.lifeboat.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Strategic merge patches ({@code application/strategic-merge-patch+json}), which the CRUD mock
 * refuses as an unsupported media type although {@code kubectl apply} sends one to change any
 * built-in object it applied before (a Secret with a new key, a Deployment with a new image), and
 * {@code kubectl patch} by default. The patch is applied to the stored object
 * ({@link StrategicMergePatch}) and the result stored as an update guarded by the stored
 * resourceVersion, tried again if another write came in between, as the API server retries a patch.
 * A custom resource is refused with the API server's own 415: CRDs have no Go types to take merge
 * keys from, and kubectl sends them JSON merge patches.
 */
class StrategicMergeDispatcher extends ValidatingDispatcher {
  static final String CONTENT_TYPE = "application/strategic-merge-patch+json";
  private static final int ATTEMPTS = 5;
  private static final int CONFLICT = 409;
  private final ObjectMapper json = new ObjectMapper();

  StrategicMergeDispatcher() {
    super();
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    if (!String.valueOf(request.getHeader("Content-Type")).startsWith(CONTENT_TYPE)) {
      return super.handlePatch(request);
    }
    String path = PodLogDispatcher.path(request);
    if (definedByCrd(path)) {
      return ApiStatus.failure(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
          + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
          + "application/apply-patch+yaml");
    }
    return patchWith(request, (patch, stored) -> StrategicMergePatch.apply(stored, patch));
  }

  /** The request's patch applied to the stored object by {@code patchOf} and stored ({@link #storePatched}). */
  protected MockResponse patchWith(RecordedRequest request, BiFunction<JsonNode, ObjectNode, ObjectNode> patchOf) {
    JsonNode patch;
    try {
      patch = json.readTree(PodLogDispatcher.body(request));
    } catch (IOException e) {
      return ApiStatus.failure(400, "BadRequest", "error decoding patch: "
          + (e instanceof JsonProcessingException bad ? bad.getOriginalMessage() : e.getMessage()));
    }
    return storePatched(request.getPath(), patch, stored -> patchOf.apply(patch, stored));
  }

  /**
   * Reads the object {@code target} names, stores what {@code patched} makes of it as an update to
   * {@code target} (its query kept: a dry run stays one), and answers as the API server answers a
   * patch. The stored version guards the write (a change in between: a conflict, and a retry),
   * unless the patch names a version of its own: then it is the client's guard, and a conflict is
   * its answer.
   */
  protected MockResponse storePatched(String target, JsonNode patch, UnaryOperator<ObjectNode> patched) {
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    boolean clientsGuard = patch.path("metadata").has("resourceVersion");
    MockResponse answer = null;
    for (int attempt = 0; attempt < (clientsGuard ? 1 : ATTEMPTS) && (answer == null || answer.code() == CONFLICT);
        attempt++) {
      MockResponse current = handleGet(path);
      if (current.code() != 200 || current.getBody() == null) {
        return current;
      }
      ObjectNode updated;
      ObjectNode stored;
      try {
        stored = (ObjectNode) json.readTree(current.getBody().readUtf8());
        updated = patched.apply(stored);
      } catch (IOException | RuntimeException e) {
        // a patch that does not apply (a failed JSON patch test, a merge patch that is no object):
        // the API server's 422, never an unanswered request
        return ApiStatus.failure(422, "Invalid", "the patch cannot be applied: " + e.getMessage());
      }
      try {
        if (!clientsGuard) {
          updated.withObject("/metadata").set("resourceVersion", stored.path("metadata").path("resourceVersion"));
        }
        answer = super.handleUpdate(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, target,
            Headers.builder().add("Content-Type", "application/json").build(),
            new Buffer().write(json.writeValueAsBytes(updated))));
      } catch (IOException | IllegalArgumentException e) {
        return ApiStatus.failure(422, "Invalid", e.getMessage());
      }
    }
    return answer;
  }
}
