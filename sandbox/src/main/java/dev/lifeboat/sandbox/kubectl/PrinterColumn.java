package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One column of a server-side Table, as a CRD's additionalPrinterColumns declares it; cells are
 * rendered as the API server's CRD table convertor renders them: {@code date} as an age,
 * {@code string} as the text (so a {@code date-time} string column prints the time itself),
 * numbers and booleans as JSON values, a missing value as null ({@code <none>} in kubectl).
 */
record PrinterColumn(String name, String type, String format, String description, int priority,
    BiFunction<JsonNode, Instant, List<JsonNode>> values) {

  static PrinterColumn of(String name, String type, String jsonPath) {
    return new PrinterColumn(name, type, "", "", 0, path(jsonPath));
  }

  /** A column whose text kubectl's built-in printers compute from several fields ({@link BuiltInPrinters}). */
  static PrinterColumn computed(String name, Function<JsonNode, String> text) {
    return computed(name, (object, now) -> text.apply(object));
  }

  /** As above, for a text that depends on the time (a running Job's duration). */
  static PrinterColumn computed(String name, BiFunction<JsonNode, Instant, String> text) {
    return new PrinterColumn(name, "string", "", "", 0, (object, now) -> {
      String value;
      try {
        value = text.apply(object, now);
      } catch (RuntimeException e) {
        value = null; // a field it cannot read (a time without an offset): an empty cell, not a failed table
      }
      return value == null ? List.of() : List.of(JsonNodeFactory.instance.textNode(value));
    });
  }

  private static BiFunction<JsonNode, Instant, List<JsonNode>> path(String jsonPath) {
    JsonPath path = JsonPath.parse(jsonPath);
    return (object, now) -> path.evaluate(object);
  }

  /** This column shown only with {@code -o wide}. */
  PrinterColumn withPriority(int priority) {
    return new PrinterColumn(name, type, format, description, priority, values);
  }

  static PrinterColumn age() {
    return new PrinterColumn("Age", "date", "", "CreationTimestamp is a timestamp representing the server time when "
        + "this object was created.", 0, path(".metadata.creationTimestamp"));
  }

  static PrinterColumn fromCrd(JsonNode column) {
    return new PrinterColumn(column.path("name").asText(), column.path("type").asText("string"),
        column.path("format").asText(""), column.path("description").asText(""), column.path("priority").asInt(0),
        path(column.path("jsonPath").asText()));
  }

  ObjectNode definition() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", name).put("type", type).put("format", format).put("description", description)
        .put("priority", priority);
    return node;
  }

  JsonNode cell(JsonNode object, Instant now) {
    List<JsonNode> found = values.apply(object, now);
    if (found.isEmpty()) {
      return JsonNodeFactory.instance.nullNode();
    }
    JsonNode value = found.get(0);
    JsonNodeFactory json = JsonNodeFactory.instance;
    switch (type) {
      case "string":
        return json.textNode(value.isValueNode() ? value.asText() : value.toString());
      case "date":
        try {
          return json.textNode(age(value.asText(), now));
        } catch (RuntimeException e) {
          return json.nullNode();
        }
      case "integer":
        return value.canConvertToLong() && value.isNumber() ? json.numberNode(value.asLong()) : json.nullNode();
      case "number":
        return value.isNumber() ? value : json.nullNode();
      case "boolean":
        return value.isBoolean() ? value : json.nullNode();
      default:
        return json.textNode(value.isValueNode() ? value.asText() : value.toString());
    }
  }

  /** How long before {@code now} an RFC 3339 time was, as kubectl shows an age. */
  static String age(String time, Instant now) {
    return humanDuration(Duration.between(OffsetDateTime.parse(time).toInstant(), now));
  }

  /** Kubernetes' {@code duration.HumanDuration}: what kubectl shows as an age. */
  static String humanDuration(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long days = (hours / 24) % 365;
      return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
