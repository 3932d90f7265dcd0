package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of Kubernetes JSONPath that printer columns use: {@code .a.b}, {@code [n]}, {@code [*]}
 * and filters {@code [?(@.field=="value")]} (also {@code !=}). Evaluates to every match, in order; a
 * printer column shows the first, as the API server does.
 */
final class JsonPath {
  private static final Pattern FILTER = Pattern.compile("\\?\\(@\\.([A-Za-z0-9_.-]+)\\s*(==|!=)\\s*[\"']?(.*?)[\"']?\\)");
  private final List<String> steps;

  private JsonPath(List<String> steps) {
    this.steps = steps;
  }

  /** Parses {@code .status.conditions[?(@.type=="Ready")].status}; braces ({@code {.x}}) are allowed. */
  static JsonPath parse(String expression) {
    String path = expression.trim();
    if (path.startsWith("{") && path.endsWith("}")) {
      path = path.substring(1, path.length() - 1);
    }
    List<String> steps = new ArrayList<>();
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        if (end > i + 1) {
          steps.add(path.substring(i + 1, end));
        }
        i = end;
      } else if (c == '[') {
        int end = closing(path, i);
        steps.add(path.substring(i, end + 1));
        i = end + 1;
      } else {
        throw new IllegalArgumentException("unsupported JSONPath " + expression);
      }
    }
    return new JsonPath(steps);
  }

  private static int closing(String path, int open) {
    boolean quoted = false;
    for (int i = open + 1; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ']' && !quoted) {
        return i;
      }
    }
    throw new IllegalArgumentException("unclosed [ in JSONPath " + path);
  }

  List<JsonNode> evaluate(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (String step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        apply(step, node, next);
      }
      current = next;
    }
    return current.stream().filter(n -> n != null && !n.isMissingNode() && !n.isNull()).toList();
  }

  private static void apply(String step, JsonNode node, List<JsonNode> out) {
    if (!step.startsWith("[")) {
      out.add(node.path(step));
      return;
    }
    String inside = step.substring(1, step.length() - 1).trim();
    if (!node.isArray()) {
      return;
    }
    if (inside.equals("*")) {
      node.forEach(out::add);
      return;
    }
    Matcher filter = FILTER.matcher(inside);
    if (filter.matches()) {
      boolean equal = filter.group(2).equals("==");
      for (JsonNode element : node) {
        JsonNode field = element;
        for (String name : filter.group(1).split("\\.")) {
          field = field.path(name);
        }
        String value = field.isValueNode() ? field.asText() : null;
        if (filter.group(3).equals(value) == equal) {
          out.add(element);
        }
      }
      return;
    }
    int index = Integer.parseInt(inside);
    out.add(node.path(index < 0 ? node.size() + index : index));
  }
}
