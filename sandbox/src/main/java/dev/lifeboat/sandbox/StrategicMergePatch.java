package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Kubernetes' strategic merge patch, as the API server applies one to a built-in object: what
 * {@code kubectl apply} sends to change an object it applied before, and {@code kubectl patch} by
 * default. It is a JSON merge patch except for the lists the API types mark for merging: their items
 * are merged by a key ({@code containers} by {@code name}, {@code volumeMounts} by
 * {@code mountPath}, ...) rather than the list being replaced, and {@code finalizers} is merged as a
 * set. The directives kubectl writes are honoured: {@code $patch: replace|delete|merge} on a map or
 * a list item, {@code $retainKeys}, {@code $deleteFromPrimitiveList/<list>} and
 * {@code $setElementOrder/<list>}. A merged list is ordered as the API server orders it: the items
 * the patch names in its order ({@code $setElementOrder}, else the patch's own), with the items only
 * the stored list has kept in their stored places among them (order matters: an env var can refer
 * only to those before it, init containers run in order).
 *
 * <p>The API server takes merge keys from the Go types. Here they are by field name, for the fields
 * of the kinds the sandbox serves (workloads, pods, Jobs, Services, Secrets, ConfigMaps, claims,
 * metadata): a field of that name has the same strategy wherever it appears in those types, except
 * {@code ports}, keyed by {@code containerPort} in a container and by {@code port} in a Service.
 */
final class StrategicMergePatch {
  private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
      Map.entry("containers", "name"), Map.entry("initContainers", "name"), Map.entry("ephemeralContainers", "name"),
      Map.entry("env", "name"), Map.entry("volumes", "name"), Map.entry("imagePullSecrets", "name"),
      Map.entry("resourceClaims", "name"), Map.entry("schedulingGates", "name"), Map.entry("secrets", "name"),
      Map.entry("volumeMounts", "mountPath"), Map.entry("volumeDevices", "devicePath"),
      Map.entry("hostAliases", "ip"), Map.entry("conditions", "type"), Map.entry("ownerReferences", "uid"),
      Map.entry("topologySpreadConstraints", "topologyKey"), Map.entry("evictionResponders", "name"));
  /** Lists of values merged as sets. */
  private static final Set<String> MERGED_VALUES = Set.of("finalizers");
  private static final String PATCH = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String DELETE_FROM = "$deleteFromPrimitiveList/";
  private static final String ELEMENT_ORDER = "$setElementOrder/";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private StrategicMergePatch() {}

  /**
   * The object {@code patch} makes of {@code stored}; neither is changed.
   *
   * @throws IllegalArgumentException for a patch the API server refuses, with its reason
   */
  static ObjectNode apply(ObjectNode stored, JsonNode patch) {
    if (!patch.isObject()) {
      throw new IllegalArgumentException("a strategic merge patch must be a JSON object");
    }
    ObjectNode merged = mergeMap(stored, (ObjectNode) patch);
    return merged == null ? JSON.objectNode() : merged;
  }

  /** The merged map, or null where the patch deletes it. */
  private static ObjectNode mergeMap(ObjectNode stored, ObjectNode patch) {
    switch (patch.path(PATCH).asText("merge")) {
      case "delete" -> {
        return null;
      }
      case "replace" -> {
        return withoutDirectives(patch);
      }
      case "merge" -> { }
      default -> throw new IllegalArgumentException("unknown patch type: " + patch.path(PATCH).asText()
          + " (a $patch directive is merge, replace or delete)");
    }
    ObjectNode result = stored == null ? JSON.objectNode() : stored.deepCopy();
    if (patch.has(RETAIN_KEYS)) {
      Set<String> retained = new HashSet<>();
      patch.get(RETAIN_KEYS).forEach(key -> retained.add(key.asText()));
      result.retain(retained);
    }
    patch.properties().forEach(field -> {
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (key.startsWith("$")) {
        return; // $patch and $retainKeys are done; the list directives come below
      } else if (value.isNull()) {
        result.remove(key);
      } else if (value.isObject()) {
        ObjectNode merged = mergeMap(result.get(key) instanceof ObjectNode map ? map : null, (ObjectNode) value);
        if (merged == null) {
          result.remove(key);
        } else {
          result.set(key, merged);
        }
      } else if (value.isArray()) {
        result.set(key, mergeList(key, result.get(key), (ArrayNode) value, patch.get(ELEMENT_ORDER + key)));
      } else {
        result.set(key, value.deepCopy());
      }
    });
    patch.properties().forEach(field -> {
      String key = field.getKey();
      if (key.startsWith(ELEMENT_ORDER) && !patch.has(key.substring(ELEMENT_ORDER.length()))
          && result.get(key.substring(ELEMENT_ORDER.length())) instanceof ArrayNode items) {
        // an order without a change to the list: a reordering
        String list = key.substring(ELEMENT_ORDER.length());
        result.set(list, mergeList(list, items, JSON.arrayNode(), field.getValue()));
      } else if (key.startsWith(DELETE_FROM)) {
        deleteValues(result, key.substring(DELETE_FROM.length()), field.getValue()); // after merging, as the API server
      }
    });
    return result;
  }

  /** {@code order}: the patch's {@code $setElementOrder} for this list, or null. */
  private static ArrayNode mergeList(String field, JsonNode stored, ArrayNode patch, JsonNode order) {
    ArrayNode current = stored instanceof ArrayNode list ? list : JSON.arrayNode();
    for (JsonNode item : patch) {
      if (item.isObject() && "replace".equals(item.path(PATCH).asText())) {
        ArrayNode replaced = JSON.arrayNode();
        patch.forEach(other -> {
          if (other != item) {
            replaced.add(other.isObject() ? withoutDirectives((ObjectNode) other) : other.deepCopy());
          }
        });
        return replaced;
      }
    }
    if (MERGED_VALUES.contains(field)) {
      List<JsonNode> union = new ArrayList<>();
      current.forEach(union::add);
      patch.forEach(value -> {
        if (!union.contains(value)) {
          union.add(value.deepCopy());
        }
      });
      return ordered(union, current, order != null && order.isArray() ? order : patch, item -> item);
    }
    String key = mergeKey(field, current, patch);
    if (key == null) {
      ArrayNode replaced = JSON.arrayNode();
      patch.forEach(item -> replaced.add(item.isObject() ? withoutDirectives((ObjectNode) item) : item.deepCopy()));
      return replaced;
    }
    List<JsonNode> items = new ArrayList<>();
    current.forEach(items::add);
    for (JsonNode item : patch) {
      if (!item.isObject() || !item.hasNonNull(key)) {
        throw new IllegalArgumentException("map: " + item + " does not contain declared merge key: " + key);
      }
      int at = indexOf(items, key, item.get(key));
      ObjectNode merged = mergeMap(at >= 0 && items.get(at) instanceof ObjectNode map ? map : null, (ObjectNode) item);
      if (merged == null) {
        if (at >= 0) {
          items.remove(at);
        }
      } else if (at >= 0) {
        items.set(at, merged);
      } else {
        items.add(merged);
      }
    }
    List<JsonNode> named = new ArrayList<>();
    (order != null && order.isArray() ? order : patch).forEach(item -> {
      if (!"delete".equals(item.path(PATCH).asText())) {
        named.add(item);
      }
    });
    return ordered(items, current, named, item -> item.path(key));
  }

  /** The field's merge key, or null if the list is replaced whole. */
  private static String mergeKey(String field, ArrayNode stored, ArrayNode patch) {
    if (field.equals("ports")) {
      boolean container = false;
      for (ArrayNode list : List.of(stored, patch)) {
        for (JsonNode item : list) {
          container |= item.has("containerPort");
        }
      }
      return container ? "containerPort" : "port";
    }
    return MERGE_KEYS.get(field);
  }

  private static void deleteValues(ObjectNode result, String list, JsonNode values) {
    if (result.get(list) instanceof ArrayNode items) {
      ArrayNode kept = JSON.arrayNode();
      items.forEach(item -> {
        if (!contains(values, item)) {
          kept.add(item);
        }
      });
      result.set(list, kept);
    }
  }

  /**
   * The merged items as the API server orders them: those the patch names, in its order, with the
   * others (only in the stored list) merged in at their stored places, as Kubernetes' mergeSortedSlice
   * does: an unnamed item goes before a named one only if the stored list had it before that one.
   */
  private static ArrayNode ordered(List<JsonNode> merged, ArrayNode stored, Iterable<JsonNode> named,
      Function<JsonNode, JsonNode> identity) {
    List<JsonNode> order = new ArrayList<>();
    named.forEach(item -> order.add(identity.apply(item)));
    List<JsonNode> storedOrder = new ArrayList<>();
    stored.forEach(item -> storedOrder.add(identity.apply(item)));
    List<JsonNode> applied = new ArrayList<>();
    List<JsonNode> storedOnly = new ArrayList<>();
    for (JsonNode item : merged) {
      (order.contains(identity.apply(item)) ? applied : storedOnly).add(item);
    }
    applied.sort(java.util.Comparator.comparingInt(item -> order.indexOf(identity.apply(item))));
    storedOnly.sort(java.util.Comparator.comparingInt(item -> storedOrder.indexOf(identity.apply(item))));
    ArrayNode result = JSON.arrayNode();
    int i = 0;
    int j = 0;
    while (i < storedOnly.size() || j < applied.size()) {
      if (j >= applied.size()) {
        result.add(storedOnly.get(i++));
      } else if (i >= storedOnly.size()) {
        result.add(applied.get(j++));
      } else {
        int left = storedOrder.indexOf(identity.apply(storedOnly.get(i)));
        int right = storedOrder.indexOf(identity.apply(applied.get(j)));
        result.add(left >= 0 && right >= 0 && left < right ? storedOnly.get(i++) : applied.get(j++));
      }
    }
    return result;
  }

  private static int indexOf(List<JsonNode> items, String key, JsonNode value) {
    for (int i = 0; i < items.size(); i++) {
      if (value.equals(items.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean contains(JsonNode list, JsonNode value) {
    for (JsonNode item : list) {
      if (item.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode withoutDirectives(ObjectNode patch) {
    ObjectNode copy = JSON.objectNode();
    patch.properties().forEach(field -> {
      if (!field.getKey().startsWith("$")) {
        copy.set(field.getKey(), field.getValue().deepCopy());
      }
    });
    return copy;
  }
}
