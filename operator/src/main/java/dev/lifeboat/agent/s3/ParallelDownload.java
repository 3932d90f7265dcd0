package dev.lifeboat.agent.s3;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Downloads an object as several byte-range GETs in flight at once and hands the bytes out in
 * order. One GET stream is limited by what the server serves per request; restic and the AWS CLI
 * fetch in parallel for the same reason. Memory: {@code parallel} chunk buffers in flight plus the one
 * being read, allocated once and reused: reading each range into a fresh array cost several copies of
 * it per range, which a small heap spent its time collecting. Every range is pinned to the first response's ETag, so a changed object fails instead of
 * mixing versions. Byte ranges work on every S3-compatible store (part-number ranges do not).
 */
final class ParallelDownload extends InputStream {
  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final S3Errors errors;
  private final int chunk;
  private final int parallel;
  private final long length;
  private final String etag;
  private final ExecutorService workers;
  private final PartBuffers buffers;
  private final Deque<CompletableFuture<Range>> inFlight = new ArrayDeque<>();
  private long nextOffset;
  private Range current;
  private int position;
  private boolean closed;

  /** The bytes of one range: the first {@code length} of {@code bytes}. */
  private record Range(GetObjectResponse response, byte[] bytes, int length) {}

  ParallelDownload(S3Client s3, String bucket, String key, S3Errors errors, int chunk, int parallel) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.errors = errors;
    this.chunk = chunk;
    this.parallel = parallel;
    this.buffers = new PartBuffers(chunk, parallel + 1);
    this.current = get(GetObjectRequest.builder().bucket(bucket).key(key).range("bytes=0-" + (chunk - 1)).build(),
        takeBuffer());
    this.etag = current.response().eTag();
    this.length = totalLength(current.response(), current.length());
    this.nextOffset = current.length();
    this.workers = Executors.newFixedThreadPool(parallel, r -> {
      Thread thread = new Thread(r, "s3-download");
      thread.setDaemon(true);
      return thread;
    });
    schedule();
  }

  private static long totalLength(GetObjectResponse response, int firstLength) {
    String range = response.contentRange(); // "bytes 0-8388607/123456789"
    if (range != null && range.contains("/") && !range.endsWith("/*")) {
      return Long.parseLong(range.substring(range.lastIndexOf('/') + 1));
    }
    return firstLength; // the server ignored the range and sent the whole object
  }

  private void schedule() {
    while (!closed && inFlight.size() < parallel && nextOffset < length) {
      long from = nextOffset;
      long to = Math.min(length, from + chunk) - 1;
      nextOffset = to + 1;
      GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key)
          .range("bytes=" + from + "-" + to).ifMatch(etag).build();
      byte[] buffer = takeBuffer(); // here, on the reading thread: one was just freed, so this never waits
      inFlight.add(CompletableFuture.supplyAsync(() -> get(request, buffer), workers));
    }
  }

  private Range get(GetObjectRequest request, byte[] buffer) {
    try {
      return s3.getObject(request, (response, in) -> read(response, in, buffer));
    } catch (RuntimeException e) {
      buffers.release(buffer);
      throw errors.translate("download", e, key);
    }
  }

  private byte[] takeBuffer() {
    try {
      return buffers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("download of " + key + " interrupted", e);
    }
  }

  /**
   * Reads one response into the buffer. A body cut short is retryable, as the SDK's own byte-array
   * transformer makes it: the client then sends the same range again and this runs once more.
   */
  private static Range read(GetObjectResponse response, InputStream in, byte[] buffer) {
    try {
      if (response.contentRange() == null) { // the server ignored the range: the whole object, whatever its size
        byte[] whole = in.readAllBytes();
        return new Range(response, whole, whole.length);
      }
      int n = in.readNBytes(buffer, 0, buffer.length);
      if (response.contentLength() != null && n < response.contentLength()) {
        throw new EOFException("range cut short after " + n + " of " + response.contentLength() + " bytes");
      }
      return new Range(response, buffer, n);
    } catch (IOException e) {
      throw RetryableException.builder().message("range download failed: " + e.getMessage()).cause(e).build();
    }
  }

  private boolean fill() throws IOException {
    while (current == null || position == current.length()) {
      if (current != null) {
        if (current.bytes().length == chunk) { // not the whole object from a server that ignored the range
          buffers.release(current.bytes());
        }
        current = null;
      }
      CompletableFuture<Range> next = inFlight.poll();
      if (next == null) {
        return false;
      }
      try {
        current = next.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        throw new IOException(e.getCause());
      }
      position = 0;
      schedule();
    }
    return true;
  }

  /** Test hook: how many range buffers were ever allocated (the memory bound). */
  int buffersAllocated() {
    return buffers.allocated();
  }

  @Override
  public int read() throws IOException {
    return fill() ? current.bytes()[position++] & 0xff : -1;
  }

  @Override
  public int read(byte[] buffer, int offset, int count) throws IOException {
    if (count == 0) {
      return 0;
    }
    if (closed || !fill()) {
      return -1;
    }
    int n = Math.min(count, current.length() - position);
    System.arraycopy(current.bytes(), position, buffer, offset, n);
    position += n;
    return n;
  }

  @Override
  public void close() {
    closed = true;
    inFlight.forEach(f -> f.cancel(true));
    inFlight.clear();
    workers.shutdownNow();
    buffers.clear();
  }
}
