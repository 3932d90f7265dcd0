package dev.lifeboat.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * A value checked against a structural OpenAPI v3 schema as the API server's validator
 * (kube-openapi) checks a custom resource, and worded as it words what it finds: type, required,
 * enum, pattern, length, item count and bounds. {@code format} is not checked (the API server
 * checks only a few formats, and our CRDs use none that a value could fail).
 */
final class SchemaCheck {
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private SchemaCheck() {}

  static List<FieldError> check(JsonNode schema, JsonNode value, String path) {
    List<FieldError> errors = new ArrayList<>();
    check(schema, value, path, errors);
    return errors;
  }

  static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<FieldError> errors) {
    if (!typeMatches(schema, value, path, errors)) {
      return;
    }
    if (value.isNull()) {
      return;
    }
    String in = path + " in body";
    if (schema.has("enum") && !contains(schema.get("enum"), value)) {
      String supported = StreamSupport.stream(schema.get("enum").spliterator(), false)
          .map(v -> v.isTextual() ? FieldError.quote(v.asText()) : v.toString()).collect(Collectors.joining(", "));
      errors.add(new FieldError(FieldError.Type.NOT_SUPPORTED, path, plain(value), "supported values: " + supported));
    }
    if (value.isTextual()) {
      String text = value.asText();
      int length = text.codePointCount(0, text.length());
      if (schema.has("maxLength") && length > schema.get("maxLength").asLong()) {
        errors.add(new FieldError(FieldError.Type.TOO_LONG, path, text,
            "may not be more than " + schema.get("maxLength").asLong() + " bytes"));
      }
      if (schema.has("minLength") && length < schema.get("minLength").asLong()) {
        errors.add(FieldError.invalid(path, text, in + " should be at least " + schema.get("minLength").asLong()
            + " chars long"));
      }
      if (schema.has("pattern") && !pattern(schema.get("pattern").asText()).matcher(text).find()) {
        errors.add(FieldError.invalid(path, text, in + " should match '" + schema.get("pattern").asText() + "'"));
      }
    } else if (value.isNumber()) {
      checkBounds(schema, value, path, errors);
    } else if (value.isArray()) {
      long size = value.size();
      if (schema.has("minItems") && size < schema.get("minItems").asLong()) {
        errors.add(FieldError.invalid(path, size, in + " should have at least " + schema.get("minItems").asLong() + " items"));
      }
      if (schema.has("maxItems") && size > schema.get("maxItems").asLong()) {
        errors.add(new FieldError(FieldError.Type.TOO_MANY, path, size,
            "must have at most " + schema.get("maxItems").asLong() + " items"));
      }
      if (schema.has("items")) {
        for (int i = 0; i < value.size(); i++) {
          check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
        }
      }
    } else if (value.isObject()) {
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          errors.add(FieldError.required(child(path, required.asText())));
        }
      }
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      value.properties().forEach(field -> {
        if (properties.has(field.getKey())) {
          check(properties.get(field.getKey()), field.getValue(), child(path, field.getKey()), errors);
        } else if (additional.isObject()) {
          check(additional, field.getValue(), child(path, field.getKey()), errors);
        }
      });
    }
  }

  /** Whether the value is of the schema's type; if not, says so as the API server does. */
  private static boolean typeMatches(JsonNode schema, JsonNode value, String path, List<FieldError> errors) {
    if (value.isNull()) {
      if (schema.has("type") && !schema.path("nullable").asBoolean(false)) {
        errors.add(new FieldError(FieldError.Type.TYPE_INVALID, path, "null",
            path + " in body must be of type " + schema.get("type").asText() + ": \"null\""));
      }
      return false;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (value.isIntegralNumber() || value.isTextual()) {
        return true;
      }
      errors.add(FieldError.invalid(path, plain(value), path + " in body must validate at least one schema (anyOf)"));
      return false;
    }
    String type = schema.path("type").asText("");
    boolean matches = switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber() || value.isNumber() && value.asDouble() == Math.rint(value.asDouble());
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true; // no type: x-kubernetes-preserve-unknown-fields, anything goes
    };
    if (!matches) {
      String actual = typeName(value);
      errors.add(new FieldError(FieldError.Type.TYPE_INVALID, path, actual,
          path + " in body must be of type " + type + ": " + FieldError.quote(actual)));
    }
    return matches;
  }

  private static void checkBounds(JsonNode schema, JsonNode value, String path, List<FieldError> errors) {
    double number = value.asDouble();
    if (schema.has("minimum")) {
      double minimum = schema.get("minimum").asDouble();
      boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
      if (exclusive ? number <= minimum : number < minimum) {
        errors.add(FieldError.invalid(path, plain(value), path + " in body should be greater than "
            + (exclusive ? "" : "or equal to ") + FieldError.number(minimum)));
      }
    }
    if (schema.has("maximum")) {
      double maximum = schema.get("maximum").asDouble();
      boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
      if (exclusive ? number >= maximum : number > maximum) {
        errors.add(FieldError.invalid(path, plain(value), path + " in body should be less than "
            + (exclusive ? "" : "or equal to ") + FieldError.number(maximum)));
      }
    }
  }

  private static boolean contains(JsonNode values, JsonNode value) {
    for (JsonNode candidate : values) {
      if (candidate.equals(value) || candidate.isNumber() && value.isNumber() && candidate.asDouble() == value.asDouble()) {
        return true;
      }
    }
    return false;
  }

  /** Go's regexp matches anywhere unless anchored, as find() does; our CRDs' patterns are RE2-compatible Java. */
  private static Pattern pattern(String regex) {
    return PATTERNS.computeIfAbsent(regex, Pattern::compile);
  }

  /** The JSON type of a value, in the words of the schema. */
  static String typeName(JsonNode value) {
    if (value.isObject()) {
      return "object";
    }
    if (value.isArray()) {
      return "array";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    return value.isBoolean() ? "boolean" : "null";
  }

  /** A scalar as the error shows it. */
  static Object plain(JsonNode value) {
    if (value.isIntegralNumber()) {
      return value.asLong();
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.isTextual() ? value.asText() : typeName(value);
  }
}
