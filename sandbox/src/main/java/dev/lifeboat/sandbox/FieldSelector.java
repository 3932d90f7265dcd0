package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A field selector as the API server reads one ({@code ?fieldSelector=involvedObject.name=x,type!=Normal}):
 * terms joined by commas, each {@code field=value}, {@code field==value} or {@code field!=value}, all of
 * which must hold; a backslash escapes a comma, an equals sign or itself in a value. Only the fields the
 * API server supports for the kind are accepted (every kind: {@code metadata.name} and
 * {@code metadata.namespace}); any other is refused, as the API server refuses it.
 */
final class FieldSelector {
  /** Fields beyond metadata.name/namespace, by {@code <group>/<plural>} (core: empty group), as kube 1.32 has them. */
  private static final Map<String, Set<String>> FIELDS = Map.of(
      "/events", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
          "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
          "reportingComponent", "source", "type"),
      "events.k8s.io/events", Set.of("regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
          "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController",
          "type"),
      "/pods", Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
          "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
      "/secrets", Set.of("type"),
      "/namespaces", Set.of("status.phase"),
      "batch/jobs", Set.of("status.successful"));

  private record Term(String field, String value, boolean equal) {}

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = terms;
  }

  /**
   * The selector for a list or watch of {@code plural} in {@code group} ("" for the core group).
   *
   * @throws IllegalArgumentException in the API server's words, for a term it cannot parse or a field it does not support
   */
  static FieldSelector parse(String selector, String group, String plural) {
    Set<String> supported = FIELDS.getOrDefault(group + "/" + plural, Set.of());
    List<Term> terms = new ArrayList<>();
    for (String term : split(selector)) {
      if (term.isEmpty()) {
        continue;
      }
      int op = indexOfOperator(term);
      if (op < 0) {
        throw new IllegalArgumentException("invalid selector: '" + selector + "'; can't understand '" + term + "'");
      }
      boolean equal = term.charAt(op) != '!';
      String field = term.substring(0, op).trim();
      int valueStart = op + (term.startsWith("==", op) || term.startsWith("!=", op) ? 2 : 1);
      String value = unescape(term.substring(valueStart));
      if (!field.equals("metadata.name") && !field.equals("metadata.namespace") && !supported.contains(field)) {
        throw new IllegalArgumentException("field label not supported: " + field);
      }
      terms.add(new Term(field, value, equal));
    }
    return new FieldSelector(terms);
  }

  /** Whether the object (as the API server stores it) has every field the selector asks for. */
  boolean matches(JsonNode object) {
    for (Term term : terms) {
      if (value(object, term.field()).equals(term.value()) != term.equal()) {
        return false;
      }
    }
    return true;
  }

  /** A field's value as the API server's field set holds it: text, "" where absent (a core Event's source is its component). */
  private static String value(JsonNode object, String field) {
    JsonNode node = object;
    for (String part : field.split("\\.")) {
      node = node.path(part);
    }
    if (field.equals("source")) {
      node = object.path("source").path("component");
    }
    return node.isValueNode() ? node.asText() : "";
  }

  private static int indexOfOperator(String term) {
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '=' || (c == '!' && term.startsWith("!=", i))) {
        return i;
      }
    }
    return -1;
  }

  /** The terms, split at commas a backslash does not escape. */
  private static List<String> split(String selector) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '\\' && i + 1 < selector.length()) {
        part.append(c).append(selector.charAt(++i));
      } else if (c == ',') {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(part.toString());
    return parts;
  }

  private static String unescape(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }
}
