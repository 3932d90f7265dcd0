package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * A list or an object as the {@code meta.k8s.io/v1} Table the API server answers when asked for
 * {@code as=Table}: a Name column, then the kind's printer columns; each row holds the object as
 * {@code includeObject} says (None, Metadata — the default — or Object).
 */
final class TableConverter {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private TableConverter() {}

  /** Whether an Accept header asks for a Table (kubectl get sends it, with JSON as the fallback). */
  static boolean wantsTable(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  static ObjectNode table(ApiResource kind, JsonNode listOrObject, String includeObject, Instant now) {
    ObjectNode table = JSON.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    ArrayNode definitions = table.putArray("columnDefinitions");
    if (namedFirst(kind)) {
      definitions.addObject().put("name", "Name").put("type", "string").put("format", "name")
          .put("description", "Name must be unique within a namespace.").put("priority", 0);
    }
    kind.columns().forEach(c -> definitions.add(c.definition()));
    ArrayNode rows = table.putArray("rows");
    if (listOrObject.has("items")) {
      JsonNode listMeta = listOrObject.path("metadata");
      copy(listMeta, metadata, "resourceVersion");
      copy(listMeta, metadata, "continue");
      copy(listMeta, metadata, "remainingItemCount");
      for (JsonNode item : listOrObject.path("items")) {
        rows.add(row(kind, withKind(item, kind), includeObject, now));
      }
    } else {
      copy(listOrObject.path("metadata"), metadata, "resourceVersion");
      rows.add(row(kind, listOrObject, includeObject, now));
    }
    return table;
  }

  private static ObjectNode row(ApiResource kind, JsonNode object, String includeObject, Instant now) {
    ObjectNode row = JSON.objectNode();
    ArrayNode cells = row.putArray("cells");
    if (namedFirst(kind)) {
      cells.add(object.path("metadata").path("name").asText());
    }
    for (PrinterColumn column : kind.columns()) {
      cells.add(column.cell(object, now));
    }
    switch (includeObject == null || includeObject.isEmpty() ? "Metadata" : includeObject) {
      case "None" -> { }
      case "Object" -> row.set("object", object);
      default -> {
        ObjectNode partial = row.putObject("object").put("kind", "PartialObjectMetadata")
            .put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata"));
      }
    }
    return row;
  }

  /**
   * Whether the Name column comes first: always for a CRD (the API server adds it before the CRD's
   * columns), and for every built-in kind but those whose printer places it (Events: -o wide only).
   */
  private static boolean namedFirst(ApiResource kind) {
    return kind.schema() != null || kind.columns().stream().noneMatch(c -> c.name().equals("Name"));
  }

  /** Items of a list carry no kind in a real API server's answer either; rows' objects do. */
  private static JsonNode withKind(JsonNode item, ApiResource kind) {
    if (item instanceof ObjectNode object && !object.has("kind")) {
      ObjectNode copy = JSON.objectNode().put("apiVersion", kind.groupVersion()).put("kind", kind.kind());
      copy.setAll(object);
      return copy;
    }
    return item;
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    if (from.hasNonNull(field) && !from.path(field).asText().isEmpty()) {
      to.set(field, from.get(field));
    }
  }

  /** The resource a request path names: {@code /apis/G/V/namespaces/NS/PLURAL[/NAME]}; subresources none. */
  static ResourcePath parse(String path) {
    List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/"));
    int at;
    String group;
    String version;
    if (parts.size() >= 3 && parts.get(0).equals("api")) {
      group = "";
      version = parts.get(1);
      at = 2;
    } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      version = parts.get(2);
      at = 3;
    } else {
      return null;
    }
    List<String> rest = parts.subList(at, parts.size());
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      rest = rest.subList(2, rest.size());
    } else if (rest.size() == 2 && rest.get(0).equals("namespaces")) {
      return new ResourcePath(group, version, "namespaces", rest.get(1));
    }
    return switch (rest.size()) {
      case 1 -> new ResourcePath(group, version, rest.get(0), null);
      case 2 -> new ResourcePath(group, version, rest.get(0), rest.get(1));
      default -> null; // a subresource, or not a resource
    };
  }

  record ResourcePath(String group, String version, String plural, String name) {}
}
