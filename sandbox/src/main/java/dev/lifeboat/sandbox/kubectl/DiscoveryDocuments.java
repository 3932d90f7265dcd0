package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The legacy (unaggregated) discovery documents kubectl reads to map {@code bp} to a resource:
 * {@code /version}, {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/GROUP} and
 * {@code /apis/GROUP/VERSION}. Clients asking for aggregated discovery get these too; their
 * content type tells them it is the legacy form, and they fall back to it.
 */
final class DiscoveryDocuments {
  /** The Kubernetes version the sandbox plays (the kubectl it is tested with). */
  static final String MAJOR = "1";
  static final String MINOR = "32";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private DiscoveryDocuments() {}

  static ObjectNode version() {
    return JSON.objectNode().put("major", MAJOR).put("minor", MINOR)
        .put("gitVersion", "v" + MAJOR + "." + MINOR + ".0-lifeboat-sandbox").put("gitCommit", "")
        .put("gitTreeState", "clean").put("buildDate", "1970-01-01T00:00:00Z").put("goVersion", "")
        .put("compiler", "").put("platform", "sandbox");
  }

  static ObjectNode apiVersions() {
    ObjectNode doc = JSON.objectNode().put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    doc.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", "");
    return doc;
  }

  static ObjectNode groupList(List<ApiResource> resources) {
    ObjectNode doc = JSON.objectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    versionsByGroup(resources).forEach((group, versions) -> groups.add(group(group, versions)));
    return doc;
  }

  static Optional<ObjectNode> group(List<ApiResource> resources, String name) {
    Set<String> versions = versionsByGroup(resources).get(name);
    return versions == null ? Optional.empty()
        : Optional.of(group(name, versions).put("kind", "APIGroup").put("apiVersion", "v1"));
  }

  /** The resources of one group version, with their subresources; empty if the sandbox serves none. */
  static Optional<ObjectNode> resourceList(List<ApiResource> resources, String groupVersion) {
    List<ApiResource> inVersion = resources.stream().filter(r -> r.groupVersion().equals(groupVersion)).toList();
    if (inVersion.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode doc = JSON.objectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", groupVersion);
    ArrayNode list = doc.putArray("resources");
    for (ApiResource r : inVersion) {
      ObjectNode entry = list.addObject().put("name", r.plural()).put("singularName", r.singular())
          .put("namespaced", r.namespaced()).put("kind", r.kind());
      ApiResource.VERBS.forEach(entry.putArray("verbs")::add);
      if (!r.shortNames().isEmpty()) {
        r.shortNames().forEach(entry.putArray("shortNames")::add);
      }
      if (!r.categories().isEmpty()) {
        r.categories().forEach(entry.putArray("categories")::add);
      }
      for (String sub : r.subresources()) {
        ObjectNode subEntry = list.addObject().put("name", r.plural() + "/" + sub).put("singularName", "")
            .put("namespaced", r.namespaced()).put("kind", subKind(r, sub));
        subVerbs(sub).forEach(subEntry.putArray("verbs")::add);
        if (sub.equals("scale")) {
          subEntry.put("group", "autoscaling").put("version", "v1");
        }
      }
    }
    return Optional.of(doc);
  }

  private static String subKind(ApiResource r, String sub) {
    return switch (sub) {
      case "scale" -> "Scale";
      case "exec" -> "PodExecOptions";
      case "log" -> "Pod";
      default -> r.kind();
    };
  }

  private static List<String> subVerbs(String sub) {
    return switch (sub) {
      case "log" -> List.of("get");
      case "exec" -> List.of("create", "get");
      default -> List.of("get", "patch", "update");
    };
  }

  private static ObjectNode group(String name, Set<String> versions) {
    ObjectNode group = JSON.objectNode().put("name", name);
    ArrayNode list = group.putArray("versions");
    versions.forEach(v -> list.addObject().put("groupVersion", name + "/" + v).put("version", v));
    String preferred = versions.iterator().next();
    group.putObject("preferredVersion").put("groupVersion", name + "/" + preferred).put("version", preferred);
    return group;
  }

  private static Map<String, Set<String>> versionsByGroup(List<ApiResource> resources) {
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    resources.stream().filter(r -> !r.group().isEmpty())
        .forEach(r -> groups.computeIfAbsent(r.group(), g -> new LinkedHashSet<>()).add(r.version()));
    return groups;
  }
}
