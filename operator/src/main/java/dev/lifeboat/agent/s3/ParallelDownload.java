package dev.lifeboat.agent.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Downloads an object as several byte-range GETs in flight at once and hands the bytes out in
 * order. One GET stream is limited by what the server serves per request; restic and the AWS CLI
 * fetch in parallel for the same reason. Memory: at most {@code parallel} chunks plus the one being
 * read. Every range is pinned to the first response's ETag, so a changed object fails instead of
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
  private final Deque<CompletableFuture<byte[]>> inFlight = new ArrayDeque<>();
  private long nextOffset;
  private byte[] current;
  private int position;
  private boolean closed;

  ParallelDownload(S3Client s3, String bucket, String key, S3Errors errors, int chunk, int parallel) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.errors = errors;
    this.chunk = chunk;
    this.parallel = parallel;
    ResponseBytes<GetObjectResponse> first = get(GetObjectRequest.builder().bucket(bucket).key(key)
        .range("bytes=0-" + (chunk - 1)).build());
    this.current = first.asByteArray();
    this.etag = first.response().eTag();
    this.length = totalLength(first.response(), current.length);
    this.nextOffset = current.length;
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
      inFlight.add(CompletableFuture.supplyAsync(() -> get(GetObjectRequest.builder().bucket(bucket).key(key)
          .range("bytes=" + from + "-" + to).ifMatch(etag).build()).asByteArray(), workers));
    }
  }

  private ResponseBytes<GetObjectResponse> get(GetObjectRequest request) {
    try {
      return s3.getObjectAsBytes(request);
    } catch (RuntimeException e) {
      throw errors.translate("download", e, key);
    }
  }

  private boolean fill() throws IOException {
    while (current == null || position == current.length) {
      CompletableFuture<byte[]> next = inFlight.poll();
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

  @Override
  public int read() throws IOException {
    return fill() ? current[position++] & 0xff : -1;
  }

  @Override
  public int read(byte[] buffer, int offset, int count) throws IOException {
    if (count == 0) {
      return 0;
    }
    if (closed || !fill()) {
      return -1;
    }
    int n = Math.min(count, current.length - position);
    System.arraycopy(current, position, buffer, offset, n);
    position += n;
    return n;
  }

  @Override
  public void close() {
    closed = true;
    inFlight.forEach(f -> f.cancel(true));
    inFlight.clear();
    workers.shutdownNow();
  }
}
