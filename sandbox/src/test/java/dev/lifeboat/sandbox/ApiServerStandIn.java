package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.HashMap;

/**
 * The sandbox's API server without the sandbox: the mock server with the dispatchers that play the
 * API server's own semantics (scale, strategic merge, validation, field selectors) and
 * Lifeboat's CRDs, for tests of those semantics alone. Pods are not run here (see {@link Sandbox}).
 */
final class ApiServerStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  ApiServerStandIn() throws IOException {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new ScaleSubresourceDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    Sandbox.installCrds(client, false);
  }

  KubernetesClient client() {
    return client;
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
  public void close() {
    client.close();
    server.destroy();
  }
}
