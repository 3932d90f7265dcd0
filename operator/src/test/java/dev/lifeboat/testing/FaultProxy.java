package dev.lifeboat.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP proxy in front of an S3 server that injects the faults of a bad network or a
 * struggling store: each request is classified by {@link Kind} (the S3 call it is) and, at a rate
 * set per kind, gets one {@link Fault}. Decisions come from one seeded {@link Random} per kind, so
 * a run is repeatable as far as the order of its calls is. Every injected fault is counted per kind
 * and fault, so a test can prove it exercised what it claims to.
 *
 * <p>Without faults it passes everything through unchanged, keeping connections alive as the
 * client and the server do.
 */
public final class FaultProxy implements AutoCloseable {
  /** The S3 calls, told apart by method, query and headers of path-style requests (bucket first). */
  public enum Kind {
    PUT_OBJECT, CREATE_UPLOAD, UPLOAD_PART, COMPLETE_UPLOAD, ABORT_UPLOAD, GET_OBJECT, GET_RANGE, LIST, HEAD, DELETE;

    /** The calls that change the repository. */
    public static final Set<Kind> WRITES =
        EnumSet.of(PUT_OBJECT, CREATE_UPLOAD, UPLOAD_PART, COMPLETE_UPLOAD, ABORT_UPLOAD, DELETE);

    static Kind of(HttpMessage request) {
      String target = request.target();
      int q = target.indexOf('?');
      String path = q < 0 ? target : target.substring(0, q);
      Set<String> query = q < 0 ? Set.of() : Set.of(Arrays.stream(target.substring(q + 1).split("&"))
          .map(p -> p.split("=", 2)[0]).distinct().toArray(String[]::new));
      boolean bucketLevel = path.indexOf('/', 1) < 0 || path.indexOf('/', 1) == path.length() - 1;
      return switch (request.method()) {
        case "HEAD" -> HEAD;
        case "GET" -> bucketLevel || query.contains("uploadId") ? LIST
            : request.header("Range") != null ? GET_RANGE : GET_OBJECT;
        case "PUT" -> query.contains("partNumber") && query.contains("uploadId") ? UPLOAD_PART : PUT_OBJECT;
        case "POST" -> query.contains("uploads") ? CREATE_UPLOAD : query.contains("uploadId") ? COMPLETE_UPLOAD : DELETE;
        case "DELETE" -> query.contains("uploadId") ? ABORT_UPLOAD : DELETE;
        default -> throw new IllegalArgumentException("not an S3 call: " + request.startLine);
      };
    }
  }

  /** What can go wrong with one call. */
  public enum Fault {
    /** HTTP 500 InternalError or 503 ServiceUnavailable with an S3 XML error body; nothing forwarded. */
    SERVER_ERROR,
    /** Forwarded, answered late. */
    SLOW,
    /** Connection closed once the request head arrived; nothing forwarded. */
    DROP_BEFORE_REQUEST,
    /** Connection closed after half the request (half its body, or half its head) was forwarded. */
    DROP_MID_REQUEST,
    /** Forwarded whole, then the connection closed after half the response. */
    DROP_MID_RESPONSE
  }

  /** One scripted injection: a fault, or an S3 error answered in the server's place. */
  private record Injection(Fault fault, String status, String code) {}

  private static final int SLOW_MILLIS = 200;

  private final ServerSocket server;
  private final int upstreamPort;
  private final Map<Kind, Random> random = new EnumMap<>(Kind.class);
  private final Map<Kind, Map<Fault, AtomicInteger>> injected = new EnumMap<>(Kind.class);
  private final Map<Kind, AtomicInteger> requests = new EnumMap<>(Kind.class);
  private final Map<Kind, Deque<Injection>> scripted = new EnumMap<>(Kind.class);
  private final Map<Kind, AtomicInteger> answered = new EnumMap<>(Kind.class);
  private final AtomicInteger errors = new AtomicInteger();
  private volatile Plan plan = new Plan(0, Set.of(), Set.of());

  private record Plan(double rate, Set<Kind> kinds, Set<Fault> faults) {}

  /** A proxy to the S3 server on 127.0.0.1:{@code upstreamPort}, passing everything through until told otherwise. */
  public FaultProxy(int upstreamPort, long seed) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstreamPort = upstreamPort;
    Random perKind = new Random(seed); // one well-mixed seed per kind: nearby seeds give alike first draws
    for (Kind kind : Kind.values()) {
      random.put(kind, new Random(perKind.nextLong()));
      Map<Fault, AtomicInteger> counts = new EnumMap<>(Fault.class);
      for (Fault fault : Fault.values()) {
        counts.put(fault, new AtomicInteger());
      }
      injected.put(kind, counts);
      requests.put(kind, new AtomicInteger());
      answered.put(kind, new AtomicInteger());
      scripted.put(kind, new ArrayDeque<>());
    }
    Thread acceptor = new Thread(this::accept, "fault-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** From now on, each call of {@code kinds} gets one of {@code faults}, chosen at random, with probability {@code rate}. */
  public FaultProxy inject(double rate, Set<Kind> kinds, Set<Fault> faults) {
    if (rate < 0 || rate > 1 || (rate > 0 && faults.isEmpty())) {
      throw new IllegalArgumentException("rate " + rate + " with faults " + faults);
    }
    plan = new Plan(rate, Set.copyOf(kinds), Set.copyOf(faults));
    return this;
  }

  /** The next {@code times} calls of {@code kind} get {@code fault}, before any random fault. */
  public FaultProxy next(Kind kind, Fault fault, int times) {
    return script(kind, new Injection(fault, null, null), times);
  }

  /**
   * The next {@code times} calls of {@code kind} are answered here with an S3 error, e.g. {@code
   * "404 Not Found", "NoSuchUpload"}: what another store would say where this one does not.
   */
  public FaultProxy answerNext(Kind kind, String status, String code, int times) {
    return script(kind, new Injection(null, status, code), times);
  }

  private FaultProxy script(Kind kind, Injection injection, int times) {
    Deque<Injection> queue = scripted.get(kind);
    synchronized (queue) {
      for (int i = 0; i < times; i++) {
        queue.add(injection);
      }
    }
    return this;
  }

  /** No faults from now on (scripted ones left are dropped too). */
  public FaultProxy heal() {
    plan = new Plan(0, Set.of(), Set.of());
    scripted.values().forEach(q -> {
      synchronized (q) {
        q.clear();
      }
    });
    return this;
  }

  public int injected(Kind kind) {
    return injected.get(kind).values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public int injected(Kind kind, Fault fault) {
    return injected.get(kind).get(fault).get();
  }

  public int injected(Fault fault) {
    return injected.values().stream().mapToInt(m -> m.get(fault).get()).sum();
  }

  /** Calls of {@code kind} answered with a scripted error ({@link #answerNext}). */
  public int answered(Kind kind) {
    return answered.get(kind).get();
  }

  /** Calls of {@code kind} seen, faulty or not. */
  public int requests(Kind kind) {
    return requests.get(kind).get();
  }

  /** The kinds that got at least one fault. */
  public Set<Kind> kindsHit() {
    Set<Kind> hit = EnumSet.noneOf(Kind.class);
    for (Kind kind : Kind.values()) {
      if (injected(kind) > 0) {
        hit.add(kind);
      }
    }
    return hit;
  }

  /** Per kind, the faults injected: for assertion messages. */
  public String report() {
    StringBuilder text = new StringBuilder();
    for (Kind kind : Kind.values()) {
      text.append(kind).append(": ").append(requests(kind)).append(" calls");
      injected.get(kind).forEach((fault, n) -> {
        if (n.get() > 0) {
          text.append(", ").append(fault).append(" ").append(n.get());
        }
      });
      text.append('\n');
    }
    return text.toString();
  }

  /** The injection for this call of {@code kind}, or null to pass it through. */
  private Injection decide(Kind kind) {
    requests.get(kind).incrementAndGet();
    Deque<Injection> queue = scripted.get(kind);
    Injection next;
    synchronized (queue) {
      next = queue.poll();
    }
    if (next != null && next.fault() == null) {
      answered.get(kind).incrementAndGet();
      return next;
    }
    Fault fault = next == null ? null : next.fault();
    Plan current = plan;
    if (fault == null && current.kinds().contains(kind) && current.rate() > 0) {
      Random r = random.get(kind);
      synchronized (r) {
        if (r.nextDouble() < current.rate()) {
          List<Fault> choices = List.copyOf(EnumSet.copyOf(current.faults()));
          fault = choices.get(r.nextInt(choices.size()));
        }
      }
    }
    if (fault == null) {
      return null;
    }
    injected.get(kind).get(fault).incrementAndGet();
    return new Injection(fault, null, null);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> serve(client), "fault-proxy-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** One client connection: requests in turn, each to the same upstream connection, until either side closes. */
  private void serve(Socket client) {
    Socket upstream = null;
    try (client) {
      InputStream fromClient = new BufferedInputStream(client.getInputStream());
      OutputStream toClient = client.getOutputStream();
      while (true) {
        HttpMessage request = HttpMessage.read(fromClient);
        if (request == null) {
          return;
        }
        if (upstream == null) {
          upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        }
        if (!exchange(request, decide(Kind.of(request)), fromClient, toClient, upstream)) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // one side went away, or a fault closed the connection
    } finally {
      if (upstream != null) {
        closeQuietly(upstream);
      }
    }
  }

  /** Relays one request and its response, applying {@code injection}; false when the connection must close. */
  private boolean exchange(HttpMessage request, Injection injection, InputStream fromClient, OutputStream toClient,
      Socket upstream) throws IOException {
    if (injection != null && injection.fault() == null) {
      if (!request.hasToken("Expect", "100-continue")) {
        request.readBody(fromClient, false);
      }
      toClient.write(errorAnswer(request, injection.status(), injection.code()));
      return false;
    }
    Fault fault = injection == null ? null : injection.fault();
    boolean expectsContinue = request.hasToken("Expect", "100-continue");
    if (fault == Fault.DROP_BEFORE_REQUEST) {
      return false;
    }
    if (fault == Fault.SERVER_ERROR && expectsContinue) {
      toClient.write(serverError(request)); // refused before the body, as S3 does
      return false;
    }
    if (expectsContinue) {
      // Answered here so the body arrives before it is forwarded; the Expect header is not signed.
      toClient.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      toClient.flush();
      request = request.without("Expect");
    }
    OutputStream toServer = upstream.getOutputStream();
    if (fault == Fault.DROP_MID_REQUEST) {
      long length = request.chunked() ? -1 : Math.max(0, request.contentLength());
      if (length > 0) {
        toServer.write(request.bytes());
        toServer.write(fromClient.readNBytes((int) (length / 2)));
      } else {
        byte[] head = request.bytes();
        toServer.write(head, 0, head.length / 2);
      }
      toServer.flush();
      return false;
    }
    byte[] body = request.readBody(fromClient, false);
    if (fault == Fault.SERVER_ERROR) {
      toClient.write(serverError(request));
      return false;
    }
    toServer.write(request.bytes());
    toServer.write(body);
    toServer.flush();
    return relayResponse(request, fault, upstream.getInputStream(), toClient);
  }

  /** The server's answer to the client, late or cut if {@code fault} says so; false when the connection must close. */
  private static boolean relayResponse(HttpMessage request, Fault fault, InputStream fromServer, OutputStream toClient)
      throws IOException {
    HttpMessage response;
    do {
      response = HttpMessage.read(fromServer);
      if (response == null) {
        return false;
      }
    } while (response.status() == 100);
    boolean noBody = "HEAD".equals(request.method()) || response.status() == 204 || response.status() == 304;
    boolean untilClose = !response.chunked() && response.contentLength() < 0;
    byte[] responseBody = noBody ? new byte[0] : response.readBody(fromServer, untilClose);
    if (fault == Fault.SLOW) {
      sleep();
    }
    if (fault == Fault.DROP_MID_RESPONSE) {
      byte[] head = response.bytes();
      if (responseBody.length > 0) {
        toClient.write(head);
        toClient.write(responseBody, 0, responseBody.length / 2);
      } else {
        toClient.write(head, 0, head.length / 2);
      }
      toClient.flush();
      return false;
    }
    toClient.write(response.bytes());
    toClient.write(responseBody);
    toClient.flush();
    return !(untilClose && !noBody) && !response.hasToken("Connection", "close");
  }

  /** 500 InternalError and 503 ServiceUnavailable in turn. */
  private byte[] serverError(HttpMessage request) {
    boolean internal = errors.get() % 2 == 0;
    return internal ? errorAnswer(request, "500 Internal Server Error", "InternalError")
        : errorAnswer(request, "503 Service Unavailable", "ServiceUnavailable");
  }

  private byte[] errorAnswer(HttpMessage request, String status, String code) {
    errors.incrementAndGet();
    byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code
        + "</Code><Message>" + code + " injected by the test proxy</Message><RequestId>fault-" + errors.get()
        + "</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: " + xml.length
        + "\r\nConnection: close\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    if ("HEAD".equals(request.method())) {
      return headBytes;
    }
    byte[] all = Arrays.copyOf(headBytes, headBytes.length + xml.length);
    System.arraycopy(xml, 0, all, headBytes.length, xml.length);
    return all;
  }

  /** The injected "slow answer" fault itself: a delay before the response is relayed. */
  private static void sleep() {
    try {
      Thread.sleep(SLOW_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
