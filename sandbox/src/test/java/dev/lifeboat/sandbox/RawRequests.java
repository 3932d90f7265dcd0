package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Requests to the API server stand-in written as kubectl writes them (method, path, query, content
 * type and body byte for byte), rather than as the fabric8 client would send them.
 */
final class RawRequests {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RawRequests() {}

  /** Sends the request ({@code body} null: none) and answers what the server answered, before any upgrade. */
  static HttpResponse<String> send(KubernetesClient client, String method, String pathAndQuery, String contentType,
      String body) {
    String url = client.getMasterUrl().toString().replaceAll("/$", "") + pathAndQuery;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> get(KubernetesClient client, String pathAndQuery) {
    return send(client, "GET", pathAndQuery, null, null);
  }
}
