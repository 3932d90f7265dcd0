package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What kubectl needs of an API server beyond what the mock API server does, in front of it on
 * 127.0.0.1 over plain HTTP: discovery, OpenAPI v3, Table answers built from printer columns, and
 * watches over chunked HTTP. Everything else goes to the mock server as it came, bodies streamed
 * back, so that validation and storage stay the mock server's (and its dispatchers').
 */
public final class KubectlFront implements AutoCloseable {
  /** Headers the JDK's client sets itself, or that do not cross a proxy. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
      "transfer-encoding", "keep-alive");
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "kubectl-front");
    thread.setDaemon(true);
    return thread;
  });
  private final URI upstream;
  private final ApiCatalog catalog;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final WatchBridge watches = new WatchBridge(http);
  private final ObjectMapper json = new ObjectMapper();

  private KubectlFront(KubernetesClient client, int port) throws IOException {
    this.upstream = URI.create(client.getMasterUrl().toString().replaceAll("/$", ""));
    this.catalog = new ApiCatalog(client);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves the API server of {@code client} to kubectl on 127.0.0.1:{@code port} (0: a free port). */
  public static KubectlFront start(KubernetesClient client, int port) {
    try {
      return new KubectlFront(client, port);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serve the API to kubectl on 127.0.0.1:" + port
          + " (in use? --api-port 0 picks a free one): " + e.getMessage(), e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Writes {@code <dir>/kubeconfig}: cluster, user and context {@code lifeboat-sandbox} at this front
   * (plain HTTP, no credentials), namespace default. Returns its absolute path: the
   * {@code export KUBECONFIG=} printed with it must hold in another terminal, in another directory.
   */
  public Path writeKubeconfig(Path dir) throws IOException {
    String name = "lifeboat-sandbox";
    String config = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user: {}
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: default
        current-context: %1$s
        preferences: {}
        """.formatted(name, url());
    Path file = dir.resolve("kubeconfig").toAbsolutePath();
    Files.writeString(file, config);
    return file;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      if (exchange.getRequestMethod().equals("GET") && answered(exchange, path, query)) {
        return;
      }
      forward(exchange);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(KubectlFront.class).debug("kubectl front: {} {}: {}",
          exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
    }
  }

  /** Answers what the front serves itself; false for what goes to the mock server as it is. */
  private boolean answered(HttpExchange exchange, String path, Map<String, String> query)
      throws IOException, InterruptedException {
    String clean = path.replaceAll("/+$", "");
    List<String> parts = List.of(clean.replaceAll("^/+", "").split("/"));
    if (clean.equals("/version")) {
      FrontResponses.json(exchange, 200, DiscoveryDocuments.version());
      return true;
    }
    if (clean.equals("/api")) {
      FrontResponses.json(exchange, 200, DiscoveryDocuments.apiVersions());
      return true;
    }
    if (clean.equals("/apis")) {
      FrontResponses.json(exchange, 200, DiscoveryDocuments.groupList(catalog.all()));
      return true;
    }
    if (clean.equals("/api/v1")) {
      return answer(exchange, DiscoveryDocuments.resourceList(catalog.all(), "v1"));
    }
    if (parts.get(0).equals("apis") && parts.size() == 2) {
      return answer(exchange, DiscoveryDocuments.group(catalog.all(), parts.get(1)));
    }
    if (parts.get(0).equals("apis") && parts.size() == 3) {
      return answer(exchange, DiscoveryDocuments.resourceList(catalog.all(), parts.get(1) + "/" + parts.get(2)));
    }
    if (clean.equals("/openapi/v3")) {
      FrontResponses.json(exchange, 200, OpenApiDocuments.index(catalog.all()));
      return true;
    }
    if (clean.startsWith("/openapi/")) {
      String root = clean.substring("/openapi/v3/".length() - 1).replaceAll("^/+", "");
      return answer(exchange, clean.startsWith("/openapi/v3/")
          ? OpenApiDocuments.groupVersion(catalog.all(), root) : Optional.empty());
    }
    TableConverter.ResourcePath resource = TableConverter.parse(clean);
    Optional<ApiResource> kind = resource == null ? Optional.empty()
        : catalog.find(resource.group(), resource.version(), resource.plural());
    boolean table = TableConverter.wantsTable(exchange.getRequestHeaders().getFirst("Accept")) && kind.isPresent();
    String includeObject = query.get("includeObject");
    if (Set.of("true", "1").contains(query.getOrDefault("watch", ""))) {
      String rawQuery = exchange.getRequestURI().getRawQuery().replaceAll("(^|&)watch=1(&|$)", "$1watch=true$2");
      URI socket = URI.create(upstream.toString().replaceFirst("^http", "ws") + path + "?" + rawQuery);
      long timeout = parseLong(query.get("timeoutSeconds"));
      long since = parseLong(query.get("resourceVersion"));
      watches.stream(socket, exchange, timeout, since, object -> table
          ? TableConverter.table(kind.get(), object, includeObject, Instant.now()) : object);
      return true;
    }
    boolean list = kind.isPresent() && resource.name() == null && "GET".equals(exchange.getRequestMethod());
    if (table || list) {
      HttpResponse<byte[]> response = http.send(upstreamRequest(exchange, "application/json").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        relay(exchange, response.statusCode(), response.headers().map(), response.body().length,
            new java.io.ByteArrayInputStream(response.body()));
        return true;
      }
      JsonNode body = json.readTree(response.body());
      FrontResponses.json(exchange, 200, table ? TableConverter.table(kind.get(), body, includeObject, Instant.now())
          : typedList(kind.get(), body));
      return true;
    }
    return false;
  }

  /**
   * A list as an API server answers it, {@code EventList} of {@code v1}: the mock answers every list
   * as {@code List}, which kubectl's typed clients (describe's Events) decode as empty.
   */
  private static JsonNode typedList(ApiResource kind, JsonNode body) {
    if (body instanceof com.fasterxml.jackson.databind.node.ObjectNode list && "List".equals(list.path("kind").asText())) {
      list.put("apiVersion", kind.groupVersion());
      list.put("kind", kind.kind() + "List");
    }
    return body;
  }

  private static boolean answer(HttpExchange exchange, Optional<? extends JsonNode> document) throws IOException {
    if (document.isPresent()) {
      FrontResponses.json(exchange, 200, document.get());
    } else {
      FrontResponses.notFound(exchange);
    }
    return true;
  }

  private void forward(HttpExchange exchange) throws IOException, InterruptedException {
    HttpRequest.Builder request = upstreamRequest(exchange, null);
    HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    long length = response.headers().firstValueAsLong("content-length").orElse(0);
    relay(exchange, response.statusCode(), response.headers().map(), length, response.body());
  }

  /** The request as the mock server gets it: same method, path, query, headers and body. */
  private HttpRequest.Builder upstreamRequest(HttpExchange exchange, String accept) throws IOException {
    URI uri = URI.create(upstream + exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(exchange.getRequestMethod(),
        body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !(accept != null && lower.equals("accept"))) {
        values.forEach(v -> request.header(name, v));
      }
    });
    if (accept != null) {
      request.header("Accept", accept);
    }
    return request;
  }

  private static void relay(HttpExchange exchange, int code, Map<String, List<String>> headers, long length,
      InputStream body) throws IOException {
    headers.forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
        exchange.getResponseHeaders().put(name, values);
      }
    });
    boolean empty = code == 204 || code == 304 || exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, empty ? -1 : length == 0 ? 0 : length);
    try (InputStream in = body; OutputStream out = exchange.getResponseBody()) {
      if (!empty) {
        in.transferTo(out);
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  private static long parseLong(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
