package dev.lifeboat.sandbox.validation;

import java.math.BigDecimal;

/**
 * One thing wrong with one field, as the API server words it ({@code k8s.io/apimachinery}'s
 * {@code field.Error}): {@code spec.schedule: Invalid value: "every day at 2": <detail>}.
 * {@code badValue} is a string, a number, a boolean, or null when the error shows no value.
 */
public record FieldError(Type type, String field, Object badValue, String detail) {
  /** The error types the schema and its rules produce, with the API server's words and cause reasons. */
  public enum Type {
    REQUIRED("Required value", "FieldValueRequired", true),
    INVALID("Invalid value", "FieldValueInvalid", false),
    TYPE_INVALID("Invalid value", "FieldValueTypeInvalid", true),
    NOT_SUPPORTED("Unsupported value", "FieldValueNotSupported", true),
    TOO_LONG("Too long", "FieldValueTooLong", true),
    TOO_MANY("Too many", "FieldValueTooMany", true);

    final String words;
    /** The {@code reason} of this error's cause in the API server's Status. */
    public final String reason;
    /** Whether the API server skips the CEL rules when the object has an error of this type. */
    final boolean blocksRules;

    Type(String words, String reason, boolean blocksRules) {
      this.words = words;
      this.reason = reason;
      this.blocksRules = blocksRules;
    }
  }

  static FieldError required(String field) {
    return new FieldError(Type.REQUIRED, field, null, "");
  }

  static FieldError invalid(String field, Object value, String detail) {
    return new FieldError(Type.INVALID, field, value, detail);
  }

  /** The message after the field, e.g. {@code Invalid value: "1.5h": spec.alerts.maxAge in body should match '...'}. */
  public String body() {
    String text = type.words;
    if (type != Type.REQUIRED && type != Type.TOO_LONG) {
      text += ": " + render(badValue);
    }
    return detail.isEmpty() ? text : text + ": " + detail;
  }

  @Override
  public String toString() {
    return field + ": " + body();
  }

  /** As Go prints it: strings quoted, numbers and booleans plain, nothing as "null". */
  static String render(Object value) {
    if (value == null) {
      return "\"null\"";
    }
    if (value instanceof String text) {
      return quote(text);
    }
    if (value instanceof Double || value instanceof BigDecimal) {
      return number(((Number) value).doubleValue());
    }
    return String.valueOf(value);
  }

  /** A number as Go's %v prints a float64: 1 rather than 1.0. */
  static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
  }

  /** Go's %q for the characters a YAML value holds. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
