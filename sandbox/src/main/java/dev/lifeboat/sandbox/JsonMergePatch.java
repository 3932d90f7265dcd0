package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON merge patches (RFC 7386), as the API server applies them to an object. */
final class JsonMergePatch {
  private JsonMergePatch() {}

  /** Objects merge key by key, null removes, anything else replaces; neither argument is changed. */
  static JsonNode apply(JsonNode patch, JsonNode target) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? target.deepCopy() : JsonNodeFactory.instance.objectNode();
    patch.properties().forEach(field -> {
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), apply(field.getValue(), result.get(field.getKey())));
      }
    });
    return result;
  }
}
