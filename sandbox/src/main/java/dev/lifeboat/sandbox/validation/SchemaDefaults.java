package dev.lifeboat.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the API server does to an object before it validates it: fields set to null that the
 * schema does not make {@code nullable} are dropped, and the schema's {@code default}s are filled
 * in where a field is missing from an object that is present (so rules see defaulted values).
 */
final class SchemaDefaults {
  private SchemaDefaults() {}

  static void apply(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      List<String> nulls = new ArrayList<>();
      object.properties().forEach(field -> {
        if (field.getValue().isNull() && !fieldSchema(schema, field.getKey()).path("nullable").asBoolean(false)) {
          nulls.add(field.getKey());
        }
      });
      object.remove(nulls);
      schema.path("properties").properties().forEach(property -> {
        if (!object.has(property.getKey()) && property.getValue().has("default")) {
          object.set(property.getKey(), property.getValue().get("default").deepCopy());
        }
      });
      object.properties().forEach(field -> apply(fieldSchema(schema, field.getKey()), field.getValue()));
    } else if (value != null && value.isArray()) {
      value.forEach(item -> apply(schema.path("items"), item));
    }
  }

  private static JsonNode fieldSchema(JsonNode schema, String name) {
    JsonNode properties = schema.path("properties");
    return properties.has(name) ? properties.get(name) : schema.path("additionalProperties");
  }
}
