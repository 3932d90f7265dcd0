package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A kind the sandbox's API server serves, as discovery, OpenAPI and Table conversion describe it.
 * {@code schema} is the CRD's openAPIV3Schema (null for built-in kinds).
 */
record ApiResource(String group, String version, String plural, String singular, String kind, boolean namespaced,
    List<String> shortNames, List<String> categories, List<String> subresources, List<PrinterColumn> columns,
    JsonNode schema) {

  static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update",
      "watch");

  String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The path prefix of this kind's group version: {@code /api/v1} or {@code /apis/GROUP/VERSION}. */
  String root() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }
}
