package dev.lifeboat.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The {@code x-kubernetes-validations} rules of a schema evaluated on a value, as the API server
 * evaluates them: each rule where its node is present, {@code self} that node, a failed rule
 * reported at the node's path with its message. A rule naming {@code oldSelf} (a transition rule)
 * runs only on an update, where the old object has that node: object fields and map values are
 * matched by name, list items are not matched (the API server matches them only in
 * {@code x-kubernetes-list-type: map} lists, which our CRDs do not use).
 *
 * <p>Differences from the API server: {@code self} is dynamically typed rather than typed from the
 * schema (the rules behave the same on valid values; the schema has already been checked), there
 * are no cost limits, and {@code messageExpression}, {@code fieldPath} and {@code reason} are not
 * read (our CRDs use none of them).
 */
final class CelRules {
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");

  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  /** Compiles every rule of the schema, so a rule that does not compile is refused with its CRD. */
  CelRules(JsonNode schema) {
    forEachRule(schema, this::program);
  }

  List<FieldError> check(JsonNode schema, JsonNode value, JsonNode old, String path) {
    List<FieldError> errors = new ArrayList<>();
    check(schema, value, old, path, errors);
    return errors;
  }

  private void check(JsonNode schema, JsonNode value, JsonNode old, String path, List<FieldError> errors) {
    if (value == null || value.isNull()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String text = rule.path("rule").asText();
      boolean transition = OLD_SELF.matcher(text).find();
      if (transition && (old == null || old.isNull())) {
        continue;
      }
      Map<String, Object> variables = new HashMap<>();
      variables.put("self", plain(value));
      if (transition) {
        variables.put("oldSelf", plain(old));
      }
      String type = schema.path("type").asText("");
      try {
        if (!Boolean.TRUE.equals(program(text).eval(variables))) {
          String message = rule.hasNonNull("message") ? rule.get("message").asText() : "failed rule: " + text;
          errors.add(FieldError.invalid(path, type, message));
        }
      } catch (CelEvaluationException e) {
        errors.add(FieldError.invalid(path, type, "rule evaluation error: " + e.getMessage()));
      }
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      value.properties().forEach(field -> {
        JsonNode fieldSchema = properties.has(field.getKey()) ? properties.get(field.getKey())
            : additional.isObject() ? additional : null;
        if (fieldSchema != null) {
          JsonNode oldField = old == null ? null : old.get(field.getKey());
          check(fieldSchema, field.getValue(), oldField, SchemaCheck.child(path, field.getKey()), errors);
        }
      });
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        check(schema.get("items"), value.get(i), null, path + "[" + i + "]", errors);
      }
    }
  }

  private CelRuntime.Program program(String rule) {
    return programs.computeIfAbsent(rule, text -> {
      try {
        return RUNTIME.createProgram(COMPILER.compile(text).getAst());
      } catch (CelValidationException | CelEvaluationException e) {
        throw new IllegalArgumentException("x-kubernetes-validations rule does not compile: " + text + ": "
            + e.getMessage(), e);
      }
    });
  }

  private static void forEachRule(JsonNode schema, java.util.function.Consumer<String> action) {
    if (schema == null || !schema.isObject()) {
      return;
    }
    schema.path("x-kubernetes-validations").forEach(rule -> action.accept(rule.path("rule").asText()));
    schema.path("properties").forEach(child -> forEachRule(child, action));
    forEachRule(schema.get("items"), action);
    forEachRule(schema.get("additionalProperties"), action);
  }

  /** JSON as CEL's runtime takes it: maps, lists, strings, longs, doubles, booleans. */
  static Object plain(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(plain(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
