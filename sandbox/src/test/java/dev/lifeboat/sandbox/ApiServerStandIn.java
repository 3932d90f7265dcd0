package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The sandbox's API server without the sandbox: the mock server with the dispatchers that play the
 * API server's own semantics (scale, strategic merge, validation, field selectors) and
 * Lifeboat's CRDs, for tests of those semantics alone. Pods are not run here (see {@link Sandbox}).
 */
final class ApiServerStandIn implements BeforeEachCallback, AfterEachCallback {
  private static final ObjectMapper JSON = new ObjectMapper();
  private KubernetesMockServer server;
  private KubernetesClient client;

  /** A new API server for each test ({@code @RegisterExtension}). */
  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new ScaleSubresourceDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    Sandbox.installCrds(client, false);
  }

  KubernetesClient client() {
    return client;
  }

  /** Creates Deployment rose/rose, one replica, with these containers. */
  void roseDeployment(Container... containers) {
    client.apps().deployments().inNamespace("rose").resource(new DeploymentBuilder()
        .withNewMetadata().withName("rose").withNamespace("rose").endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(Map.of("app", "rose")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "rose")).endMetadata().withNewSpec()
        .withContainers(containers).endSpec().endTemplate().endSpec().build()).create();
  }

  /** A request as kubectl sends it ({@link RawRequests}). */
  HttpResponse<String> send(String method, String pathAndQuery, String contentType, String body) {
    return RawRequests.send(client, method, pathAndQuery, contentType, body);
  }

  HttpResponse<String> get(String pathAndQuery) {
    return RawRequests.get(client, pathAndQuery);
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    client.close();
    server.destroy();
  }
}
