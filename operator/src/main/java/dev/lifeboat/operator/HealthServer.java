package dev.lifeboat.operator;

import com.sun.net.httpserver.HttpServer;
import dev.lifeboat.metrics.OperatorMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * /healthz (the process answers and its informers are healthy), /readyz (the operator has started)
 * and /metrics (Prometheus text format).
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  public HealthServer(int port, LifeboatOperator operator) throws IOException {
    this(new InetSocketAddress(port), operator);
  }

  /** On {@code address}: port 0 picks a free one ({@link #port()}). */
  public HealthServer(InetSocketAddress address, LifeboatOperator operator) throws IOException {
    this(address, operator::healthy, operator::started, operator.metrics());
  }

  HealthServer(InetSocketAddress address, BooleanSupplier live, BooleanSupplier ready, OperatorMetrics metrics)
      throws IOException {
    server = HttpServer.create(address, 0);
    server.createContext("/healthz", exchange -> answer(exchange, live.getAsBoolean()));
    server.createContext("/readyz", exchange -> answer(exchange, ready.getAsBoolean()));
    server.createContext("/metrics", exchange -> {
      byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", OperatorMetrics.CONTENT_TYPE);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, boolean ok) throws IOException {
    byte[] body = (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
