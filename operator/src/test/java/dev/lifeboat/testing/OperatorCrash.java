package dev.lifeboat.testing;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API client of one operator process that is killed just before its n-th write (create,
 * update, patch or delete): that request never reaches the API server, and neither does any later
 * one, read or write, as if the process were gone. Everything it wrote before stays, exactly what
 * a crash leaves behind. Counting writes lets a test kill the operator before each one in turn.
 */
public final class OperatorCrash implements AutoCloseable {
  /** Never killed: a run that only records the writes, to know how many points there are to kill at. */
  public static final int NEVER = 0;
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
  /** Nothing listens on port 1: every request of a dead process fails to connect. */
  private static final URI GONE = URI.create("http://127.0.0.1:1/");

  private final int killBefore;
  private final List<String> writes = new ArrayList<>();
  private final KubernetesClient client;
  private volatile boolean dead;
  private final AtomicInteger jobsCreated = new AtomicInteger();

  /** A client of {@code apiServer}'s server that dies before its write number {@code killBefore} (1-based). */
  public OperatorCrash(KubernetesClient apiServer, int killBefore) {
    this.killBefore = killBefore;
    this.client = new KubernetesClientBuilder()
        // A dead process retries nothing; without this each refused request would back off ten times.
        .withConfig(new ConfigBuilder(apiServer.getConfiguration()).withRequestRetryBackoffLimit(0).build())
        .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("crash", new Interceptor() {
          @Override
          public void before(BasicBuilder request, HttpRequest sent, RequestTags tags) {
            intercept(request, sent);
          }

          @Override
          public void after(HttpRequest sent, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
            if ("POST".equals(sent.method()) && sent.uri().getPath().endsWith("/jobs") && response.code() == 201) {
              jobsCreated.incrementAndGet();
            }
          }
        }))
        .build();
  }

  private synchronized void intercept(BasicBuilder request, HttpRequest sent) {
    if (!dead && WRITES.contains(sent.method())) {
      if (writes.size() + 1 == killBefore) {
        dead = true;
      } else {
        writes.add(describe(sent));
      }
    }
    if (dead) {
      request.uri(GONE.resolve(sent.uri().getRawPath()));
    }
  }

  /** "POST /apis/batch/v1/namespaces/rose/jobs": what a kill point is named after. */
  private static String describe(HttpRequest request) {
    return request.method() + " " + request.uri().getPath();
  }

  public KubernetesClient client() {
    return client;
  }

  /** Kills the process now: no request of it reaches the API server any more. */
  public void kill() {
    dead = true;
  }

  /** Whether the process has been killed. */
  public boolean dead() {
    return dead;
  }

  /** How many Jobs the API server created for this process (a create refused as a duplicate is not one). */
  public int jobsCreated() {
    return jobsCreated.get();
  }

  /** The writes that reached the API server, in order. */
  public synchronized List<String> writes() {
    return List.copyOf(writes);
  }

  @Override
  public void close() {
    client.close();
  }
}
