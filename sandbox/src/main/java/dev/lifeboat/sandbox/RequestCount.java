package dev.lifeboat.sandbox;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Counts the API requests one client makes, told apart by its User-Agent, as reads (GET: get, list,
 * watch) and writes (everything else), per kind of request ({@code GET backuppolicies/status}),
 * and passes every request on unchanged. The API server's audit log plays this part in a cluster.
 */
final class RequestCount extends Dispatcher {
  /** Names and namespaces in a path, so requests of one kind count together. */
  private static final Pattern NAMESPACE = Pattern.compile("/namespaces/[^/]+");

  private final Dispatcher next;
  private final String excludedAgent;
  private final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();

  /** Counts every request but those whose User-Agent is {@code excludedAgent} (the benchmark's own). */
  RequestCount(Dispatcher next, String excludedAgent) {
    this.next = next;
    this.excludedAgent = excludedAgent;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!excludedAgent.equals(request.getHeader("User-Agent"))) {
      kinds.computeIfAbsent(kind(request), k -> new LongAdder()).increment();
    }
    return next.dispatch(request);
  }

  @Override
  public void shutdown() {
    next.shutdown();
  }

  /** {@code METHOD resource[/subresource]}, with {@code ?watch} for a watch and {@code (one)} for a named object. */
  static String kind(RecordedRequest request) {
    String full = request.getPath() == null ? "" : request.getPath();
    int query = full.indexOf('?');
    String path = NAMESPACE.matcher(query < 0 ? full : full.substring(0, query)).replaceFirst("");
    String[] parts = path.split("/");
    // /api/v1/<resource>[/<name>[/<sub>]] or /apis/<group>/<version>/<resource>[/<name>[/<sub>]]
    int resource = path.startsWith("/apis/") ? 4 : 3;
    StringBuilder kind = new StringBuilder(request.getMethod()).append(' ');
    kind.append(parts.length > resource ? parts[resource] : path);
    if (parts.length > resource + 2) {
      kind.append('/').append(parts[resource + 2]);
    } else if (parts.length == resource + 2) {
      kind.append(" (one)");
    }
    if (query >= 0 && full.substring(query).contains("watch=true")) {
      kind.append(" ?watch");
    }
    return kind.toString();
  }

  /** The counts so far, by kind. */
  Snapshot snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    kinds.forEach((kind, count) -> copy.put(kind, count.sum()));
    return new Snapshot(copy);
  }

  /** Counts at one moment; {@link #since} gives what happened between two. */
  record Snapshot(Map<String, Long> kinds) {
    long reads() {
      return kinds.entrySet().stream().filter(e -> e.getKey().startsWith("GET ")).mapToLong(Map.Entry::getValue).sum();
    }

    long writes() {
      return kinds.entrySet().stream().filter(e -> !e.getKey().startsWith("GET ")).mapToLong(Map.Entry::getValue).sum();
    }

    Snapshot since(Snapshot earlier) {
      Map<String, Long> delta = new TreeMap<>();
      kinds.forEach((kind, count) -> {
        long d = count - earlier.kinds.getOrDefault(kind, 0L);
        if (d != 0) {
          delta.put(kind, d);
        }
      });
      return new Snapshot(delta);
    }
  }
}
