package dev.lifeboat.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a real API server checks of a custom resource before it stores it, for one CRD: the
 * version's {@code openAPIV3Schema} (after filling in its defaults) and then, unless the schema
 * already found a type, required, enum, length or count error, its {@code x-kubernetes-validations}
 * rules. Errors are worded as the API server words them. Unknown fields are not reported: a real
 * API server drops them, or refuses them only when the client asks for strict field validation.
 */
public final class CustomResourceValidator {
  /** What the API server appends when the schema's errors kept it from running the rules. */
  static final FieldError RULES_NOT_CHECKED = new FieldError(FieldError.Type.INVALID, "<nil>", null,
      "some validation rules were not checked because the object was invalid; correct the existing errors to"
          + " complete validation");

  private final String group;
  private final String kind;
  private final String plural;
  private final Map<String, Version> versions = new HashMap<>();

  private record Version(JsonNode schema, CelRules rules, boolean statusSubresource) {}

  /**
   * @param crd a CustomResourceDefinition as JSON (apiextensions.k8s.io/v1)
   * @throws IllegalArgumentException if a rule does not compile, as the API server refuses such a CRD
   */
  public CustomResourceValidator(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    this.group = spec.path("group").asText();
    this.kind = spec.path("names").path("kind").asText();
    this.plural = spec.path("names").path("plural").asText();
    for (JsonNode version : spec.path("versions")) {
      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      versions.put(version.path("name").asText(),
          new Version(schema, new CelRules(schema), version.path("subresources").has("status")));
    }
  }

  /** As above, for a CRD in any form Jackson can turn into JSON (e.g. fabric8's model). */
  public static CustomResourceValidator of(Object crd) {
    return new CustomResourceValidator(new ObjectMapper().valueToTree(crd));
  }

  public String group() {
    return group;
  }

  public String kind() {
    return kind;
  }

  public String plural() {
    return plural;
  }

  /**
   * Why the API server would refuse {@code object}, or nothing if it would store it.
   *
   * @param object the object as written, JSON or YAML read into a tree
   * @param old    the stored object it replaces, or null on a create (transition rules then do not run)
   */
  public Optional<Invalid> validate(JsonNode object, JsonNode old) {
    List<FieldError> errors = errors(object, old);
    return errors.isEmpty() ? Optional.empty()
        : Optional.of(new Invalid(group, kind, object.path("metadata").path("name").asText(""), errors));
  }

  /**
   * The fields of {@code object} its version's schema does not declare ({@link UnknownFields}), or
   * none for a version the CRD does not serve.
   */
  public List<String> unknownFields(JsonNode object) {
    Version version = version(object);
    return version == null ? List.of() : UnknownFields.in(version.schema(), object);
  }

  /**
   * The API server's words for refusing unknown fields under strict field validation:
   * {@code BackupPolicy in version "v1alpha1" cannot be handled as a BackupPolicy: strict decoding
   * error: unknown field "spec.foo", unknown field "spec.bar"}.
   */
  public String strictDecodingError(JsonNode object, List<String> unknown) {
    String apiVersion = object.path("apiVersion").asText();
    return kind + " in version \"" + apiVersion.substring(apiVersion.indexOf('/') + 1) + "\" cannot be handled as a "
        + kind + ": strict decoding error: "
        + String.join(", ", unknown.stream().map(field -> "unknown field \"" + field + "\"").toList());
  }

  private Version version(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    return versions.get(apiVersion.substring(apiVersion.indexOf('/') + 1));
  }

  List<FieldError> errors(JsonNode object, JsonNode old) {
    Version version = version(object);
    if (version == null) {
      return List.of(); // not a version this CRD serves: the API server answers 404 before validating
    }
    JsonNode current = written(object, version);
    JsonNode previous = old == null ? null : written(old, version);
    List<FieldError> errors = new ArrayList<>(SchemaCheck.check(version.schema(), current, ""));
    if (errors.stream().anyMatch(e -> e.type().blocksRules)) {
      errors.add(RULES_NOT_CHECKED);
    } else {
      errors.addAll(version.rules().check(version.schema(), current, previous, ""));
    }
    return errors;
  }

  /**
   * The object as the API server validates a write of it: defaults filled in, and without status
   * where status is a subresource (a write of the object itself does not change its status).
   */
  private static JsonNode written(JsonNode object, Version version) {
    ObjectNode copy = object.deepCopy();
    if (version.statusSubresource()) {
      copy.remove("status");
    }
    SchemaDefaults.apply(version.schema(), copy);
    return copy;
  }
}
