package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deleting a Namespace deletes what it holds, as the namespace controller does in a cluster
 * ({@code kubectl delete namespace rose} to clean up an example): Lifeboat's objects first, then
 * workloads, Jobs, pods, claims (the sandbox keeps their volumes' directories, as a Retain reclaim
 * policy would), Secrets and the rest, before the Namespace itself, all before the delete is
 * answered. So, as with kubectl's waiting delete against a cluster, nothing applied after it can be
 * caught by the cleanup. Objects with finalizers stay until their controller removes them (the
 * operator, for a policy with hooks). Not modelled: the Namespace's {@code Terminating} phase, and
 * kinds beyond those listed and the CRDs the API server holds.
 */
class NamespaceDeletionDispatcher extends SecretDataDispatcher {
  private static final Pattern NAMESPACE = Pattern.compile("^/api/v1/namespaces/([^/]+)$");
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  /** Built-in namespaced collections, as {@code <group version path>/namespaces/%s/<plural>}. */
  private static final List<String> BUILT_IN = List.of(
      "/apis/apps/v1/namespaces/%s/deployments", "/apis/apps/v1/namespaces/%s/statefulsets",
      "/apis/apps/v1/namespaces/%s/replicasets", "/apis/apps/v1/namespaces/%s/daemonsets",
      "/apis/batch/v1/namespaces/%s/cronjobs", "/apis/batch/v1/namespaces/%s/jobs", "/api/v1/namespaces/%s/pods",
      "/api/v1/namespaces/%s/persistentvolumeclaims", "/api/v1/namespaces/%s/secrets",
      "/api/v1/namespaces/%s/configmaps", "/api/v1/namespaces/%s/services", "/api/v1/namespaces/%s/serviceaccounts",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/roles",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/rolebindings",
      "/apis/coordination.k8s.io/v1/namespaces/%s/leases", "/apis/policy/v1/namespaces/%s/poddisruptionbudgets",
      "/apis/networking.k8s.io/v1/namespaces/%s/networkpolicies", "/api/v1/namespaces/%s/events",
      "/apis/events.k8s.io/v1/namespaces/%s/events");
  private final ObjectMapper json = new ObjectMapper();

  NamespaceDeletionDispatcher() {
    super();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher namespace = NAMESPACE.matcher(PodLogDispatcher.path(request));
    if ("DELETE".equalsIgnoreCase(request.getMethod()) && namespace.matches() && !DryRunDispatcher.isDryRun(request)
        && handleGet(PodLogDispatcher.path(request)).code() == 200) {
      for (String collection : collectionsIn(namespace.group(1))) {
        super.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.DELETE, collection, Headers.builder().build(), null));
      }
    }
    return super.dispatch(request);
  }

  /** Every namespaced collection of {@code namespace}: the CRDs' (Lifeboat's first), then the built-in ones. */
  private List<String> collectionsIn(String namespace) {
    List<String> collections = new ArrayList<>();
    try {
      for (JsonNode crd : json.readTree(handleGet(CRDS).getBody().readUtf8()).path("items")) {
        JsonNode spec = crd.path("spec");
        for (JsonNode version : spec.path("versions")) {
          if ("Namespaced".equals(spec.path("scope").asText()) && version.path("storage").asBoolean()) {
            collections.add("/apis/" + spec.path("group").asText() + "/" + version.path("name").asText()
                + "/namespaces/" + namespace + "/" + spec.path("names").path("plural").asText());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // no CRD list to read: the built-in kinds are still deleted
    }
    collections.sort((a, b) -> Boolean.compare(!a.contains("/lifeboat.dev/"), !b.contains("/lifeboat.dev/")));
    BUILT_IN.forEach(path -> collections.add(path.formatted(namespace)));
    return collections;
  }
}
