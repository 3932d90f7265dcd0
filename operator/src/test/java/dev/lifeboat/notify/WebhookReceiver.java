package dev.lifeboat.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** A chat webhook on 127.0.0.1: records each body it is sent and answers with the status codes it is told to. */
public final class WebhookReceiver implements AutoCloseable {
  /** The path carries a token, as chat webhooks' URLs do: it must never be logged. */
  public static final String TOKEN = "T000-SECRET-TOKEN";
  private final HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();

  public WebhookReceiver(IntSupplier status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hooks/" + TOKEN, exchange -> {
      requests.incrementAndGet();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int code = status.getAsInt();
      if (code / 100 == 2) {
        bodies.add(body);
      }
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
    });
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + TOKEN);
  }

  /** Bodies accepted (2xx). */
  public List<String> bodies() {
    return bodies;
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
