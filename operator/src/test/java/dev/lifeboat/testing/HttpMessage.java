package dev.lifeboat.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The head of one HTTP/1.1 request or response as {@link FaultProxy} sees it: the start line and
 * the header lines, kept as sent so they can be forwarded byte for byte, plus the framing rules
 * needed to find where a body ends on a kept-alive connection.
 */
final class HttpMessage {
  private static final int MAX_HEAD = 64 * 1024;

  final String startLine;
  final List<String> headers;

  private HttpMessage(String startLine, List<String> headers) {
    this.startLine = startLine;
    this.headers = headers;
  }

  /** The next head on {@code in}, or null when the peer closed the connection between messages. */
  static HttpMessage read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed inside an HTTP head");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEAD) {
        throw new IOException("HTTP head longer than " + MAX_HEAD + " bytes");
      }
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
    return new HttpMessage(lines[0], headers);
  }

  /** The first value of header {@code name} (case-insensitive), or null. */
  String header(String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    for (String line : headers) {
      if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    return null;
  }

  boolean hasToken(String name, String token) {
    String value = header(name);
    return value != null && value.toLowerCase(Locale.ROOT).contains(token);
  }

  HttpMessage without(String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    return new HttpMessage(startLine,
        headers.stream().filter(h -> !h.toLowerCase(Locale.ROOT).startsWith(prefix)).toList());
  }

  byte[] bytes() {
    StringBuilder text = new StringBuilder(startLine).append("\r\n");
    headers.forEach(h -> text.append(h).append("\r\n"));
    return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A request's method. */
  String method() {
    return startLine.substring(0, startLine.indexOf(' '));
  }

  /** A request's target: path and query. */
  String target() {
    String[] parts = startLine.split(" ");
    return parts.length > 1 ? parts[1] : "/";
  }

  int status() {
    String[] parts = startLine.split(" ");
    return Integer.parseInt(parts[1]);
  }

  boolean chunked() {
    return hasToken("Transfer-Encoding", "chunked");
  }

  /** The Content-Length, or -1 when there is none. */
  long contentLength() {
    String value = header("Content-Length");
    return value == null ? -1 : Long.parseLong(value);
  }

  /** The raw body that follows this head (chunk framing included); empty when it has none. */
  byte[] readBody(InputStream in, boolean untilClose) throws IOException {
    if (chunked()) {
      return readChunked(in);
    }
    long length = contentLength();
    if (length >= 0) {
      return in.readNBytes((int) length);
    }
    return untilClose ? in.readAllBytes() : new byte[0];
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in, raw);
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        while (!readLine(in, raw).isEmpty()) {
          // trailers
        }
        return raw.toByteArray();
      }
      raw.write(in.readNBytes(size + 2)); // data and its CRLF
    }
  }

  private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new EOFException("connection closed inside a chunked body");
      }
      line.write(b);
    }
    raw.write(line.toByteArray());
    raw.write('\n');
    return line.toString(StandardCharsets.ISO_8859_1).trim();
  }
}
