package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAPI v3, as kubectl 1.32 reads it ({@code /openapi/v3} then one document per group version;
 * v2 is protobuf only and not served). A CRD's kind gets its openAPIV3Schema with the descriptions
 * we generate ({@code kubectl explain}); every kind gets a PATCH path taking {@code fieldValidation},
 * which tells kubectl the server validates objects itself (the sandbox does, for custom resources).
 * Built-in kinds get no schema: kubectl then uses its compiled-in types for strategic merge patches.
 */
final class OpenApiDocuments {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private OpenApiDocuments() {}

  static ObjectNode index(List<ApiResource> resources) {
    ObjectNode doc = JSON.objectNode();
    ObjectNode paths = doc.putObject("paths");
    Set<String> roots = new LinkedHashSet<>();
    resources.forEach(r -> roots.add(r.root().substring(1)));
    for (String root : roots) {
      String hash = hash(groupVersion(resources, root).orElseThrow());
      paths.putObject(root).put("serverRelativeURL", "/openapi/v3/" + root + "?hash=" + hash);
    }
    return doc;
  }

  /** The document of {@code root} ({@code api/v1}, {@code apis/GROUP/VERSION}); empty if none. */
  static Optional<ObjectNode> groupVersion(List<ApiResource> resources, String root) {
    List<ApiResource> inVersion = resources.stream().filter(r -> r.root().equals("/" + root)).toList();
    if (inVersion.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode doc = JSON.objectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v" + DiscoveryDocuments.MAJOR + "."
        + DiscoveryDocuments.MINOR + ".0");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (ApiResource r : inVersion) {
      String item = r.root() + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural() + "/{name}";
      ObjectNode patch = paths.putObject(item).putObject("patch");
      gvk(r, patch.putObject("x-kubernetes-group-version-kind"));
      ArrayNode parameters = patch.putArray("parameters");
      for (String name : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
        parameters.addObject().put("name", name).put("in", "query").putObject("schema").put("type", "string");
      }
      if (r.schema() != null && !r.schema().isMissingNode()) {
        schemas.set(schemaName(r), kindSchema(r));
      }
    }
    return Optional.of(doc);
  }

  /** The CRD's schema, with what the API server adds: descriptions of apiVersion, kind and metadata. */
  private static ObjectNode kindSchema(ApiResource r) {
    ObjectNode schema = r.schema().deepCopy();
    ObjectNode properties = schema.with("properties");
    if (!properties.has("apiVersion")) {
      properties.putObject("apiVersion").put("type", "string").put("description", "APIVersion defines the versioned "
          + "schema of this representation of an object.");
    }
    if (!properties.has("kind")) {
      properties.putObject("kind").put("type", "string").put("description", "Kind is a string value representing the "
          + "REST resource this object represents.");
    }
    JsonNode metadata = properties.path("metadata");
    if (!metadata.has("description")) {
      properties.putObject("metadata").put("type", "object").put("description", "Standard object's metadata. More "
          + "info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
    }
    gvk(r, schema.putArray("x-kubernetes-group-version-kind").addObject());
    return schema;
  }

  private static void gvk(ApiResource r, ObjectNode node) {
    node.put("group", r.group()).put("version", r.version()).put("kind", r.kind());
  }

  /** As the API server names a CRD's schema: the group reversed, the version, the kind. */
  private static String schemaName(ApiResource r) {
    List<String> parts = new java.util.ArrayList<>(List.of(r.group().split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + r.version() + "." + r.kind();
  }

  private static String hash(JsonNode doc) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(doc.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16).toUpperCase();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
