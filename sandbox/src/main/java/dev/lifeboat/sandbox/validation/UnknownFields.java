package dev.lifeboat.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fields of an object that its structural schema does not declare, named as the API server's
 * strict decoding names them ({@code spec.hooks[0].comand}). The API server drops them, or refuses
 * the object when the client asks for {@code fieldValidation=Strict} (kubectl does by default).
 * A schema with {@code x-kubernetes-preserve-unknown-fields} keeps any field; {@code apiVersion},
 * {@code kind} and {@code metadata} at the top are the API server's, not the schema's: the fields of
 * {@code metadata} are ObjectMeta's ({@code metadata.lables} is unknown too).
 */
final class UnknownFields {
  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata");
  private static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "selfLink", "uid",
      "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
      "labels", "annotations", "ownerReferences", "finalizers", "managedFields");

  private UnknownFields() {}

  static List<String> in(JsonNode schema, JsonNode object) {
    List<String> unknown = new ArrayList<>();
    object.path("metadata").fieldNames().forEachRemaining(name -> {
      if (!OBJECT_META.contains(name)) {
        unknown.add("metadata." + name);
      }
    });
    object.fieldNames().forEachRemaining(name -> {
      if (!TOP.contains(name)) {
        walk(schema, object, "", unknown, name);
      }
    });
    return unknown;
  }

  private static void walk(JsonNode schema, JsonNode object, String path, List<String> unknown, String name) {
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    String at = path.isEmpty() ? name : path + "." + name;
    if (properties.has(name)) {
      check(properties.get(name), object.get(name), at, unknown);
    } else if (additional.isObject()) {
      check(additional, object.get(name), at, unknown);
    } else if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) && !additional.asBoolean(false)) {
      unknown.add(at);
    }
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> unknown) {
    if (value == null) {
      return;
    }
    if (value.isObject()) {
      value.fieldNames().forEachRemaining(name -> walk(schema, value, path, unknown, name));
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        check(schema.get("items"), value.get(i), path + "[" + i + "]", unknown);
      }
    }
  }
}
