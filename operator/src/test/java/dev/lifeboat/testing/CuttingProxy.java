package dev.lifeboat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP proxy in front of an S3 server that cuts responses mid-body, like a load balancer
 * timing out or a flaky network: the first {@code n} responses whose bytes contain a marker (e.g.
 * {@code <ListBucketResult}) are forwarded up to just past the marker, then both connections are
 * closed. Everything else passes through unchanged.
 */
public final class CuttingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int upstreamPort;
  private final byte[] marker;
  private final AtomicInteger cutsLeft;
  private final AtomicInteger cutsDone = new AtomicInteger();

  public CuttingProxy(int upstreamPort, String marker, int cuts) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstreamPort = upstreamPort;
    this.marker = marker.getBytes(StandardCharsets.UTF_8);
    this.cutsLeft = new AtomicInteger(cuts);
    Thread acceptor = new Thread(this::accept, "cutting-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** How many responses were cut so far. */
  public int cuts() {
    return cutsDone.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        pump(client.getInputStream(), upstream.getOutputStream(), client, upstream, false);
        pump(upstream.getInputStream(), client.getOutputStream(), client, upstream, true);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(InputStream in, OutputStream out, Socket a, Socket b, boolean responses) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          int at = responses ? indexOf(buffer, n) : -1;
          if (at >= 0 && cutsLeft.getAndDecrement() > 0) {
            out.write(buffer, 0, at + marker.length);
            out.flush();
            cutsDone.incrementAndGet();
            closeQuietly(a);
            closeQuietly(b);
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away: take the other down too
      }
      closeQuietly(a);
      closeQuietly(b);
    }, "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private int indexOf(byte[] buffer, int length) {
    outer:
    for (int i = 0; i + marker.length <= length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (buffer[i + j] != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
