package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * The patch types every object takes, by the request's Content-Type: JSON patch (RFC 6902) and
 * JSON merge patch (RFC 7386). Strategic merge patches, for built-in kinds only, are
 * {@link StrategicMergeDispatcher}'s; apply patches are not played.
 */
final class PatchTypes {
  private PatchTypes() {}

  /** How a patch of this type makes the object it is applied to: {@code (patch, stored) -> patched}. */
  static Optional<BinaryOperator<JsonNode>> of(String contentType) {
    if (contentType.startsWith("application/json-patch+json")) {
      return Optional.of(JsonPatch::apply);
    } else if (contentType.startsWith("application/merge-patch+json")) {
      return Optional.of(JsonMergePatch::apply);
    }
    return Optional.empty();
  }
}
