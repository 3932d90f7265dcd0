package dev.lifeboat.agent.s3;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * A hand-driven multipart upload behind an OutputStream (the SDK's multipart helpers send headers
 * strict S3-compatible servers refuse). Full parts go to a small thread pool; the writer blocks when
 * all buffers are in flight. Anything going wrong aborts the upload so no half object stays behind.
 */
final class MultipartUploadStream extends S3Store.UploadStream {
  private static final Logger LOG = LoggerFactory.getLogger(MultipartUploadStream.class);
  private static final int MAX_PARTS = 10_000;
  private static final String CONTENT_TYPE = "application/octet-stream";
  private static final long DRAIN_SECONDS = 120;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private enum State { OPEN, COMPLETED, FAILED }

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final Sse sse;
  private final S3Errors errors;
  private final int partSize;
  private final int parallel;
  private final PartBuffers buffers;
  private final List<Future<CompletedPart>> parts = new ArrayList<>();
  private final AtomicReference<Throwable> partFailure = new AtomicReference<>();

  private ExecutorService senders;
  private String uploadId;
  private byte[] current;
  private int filled;
  private long size;
  private State state = State.OPEN;
  private RepositoryException failure;

  MultipartUploadStream(S3Client s3, String bucket, String key, Sse sse, S3Errors errors, int partSize, int parallel) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.sse = sse;
    this.errors = errors;
    this.partSize = partSize;
    this.parallel = parallel;
    this.buffers = new PartBuffers(partSize, parallel + 1);
  }

  @Override
  public void write(int b) {
    if (state == State.OPEN && current != null && filled < partSize - 1) {
      current[filled++] = (byte) b;
      size++;
      return;
    }
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] data, int offset, int length) {
    ensureOpen();
    try {
      while (length > 0) {
        if (current == null) {
          current = takeBuffer();
        }
        int n = Math.min(length, partSize - filled);
        System.arraycopy(data, offset, current, filled, n);
        filled += n;
        offset += n;
        length -= n;
        size += n;
        if (filled == partSize) {
          sendPart();
        }
      }
    } catch (RuntimeException e) {
      throw fail(e);
    }
  }

  /** Sends the last part and completes the upload; a stream shorter than one part becomes one PutObject. */
  @Override
  public void close() {
    if (state == State.COMPLETED) {
      return;
    }
    ensureOpen();
    try {
      if (uploadId == null) {
        putWhole();
      } else {
        if (filled > 0) {
          sendPart();
        }
        complete(awaitParts());
      }
      state = State.COMPLETED;
    } catch (RuntimeException e) {
      throw fail(e);
    } finally {
      if (state == State.COMPLETED) {
        release();
      }
    }
  }

  /** Aborts the upload (no-op once completed). Never throws: it is meant for catch blocks. */
  @Override
  public void abort() {
    if (state == State.OPEN) {
      fail(new RepositoryException("upload of " + key + " to bucket " + bucket + " was aborted"));
    }
  }

  @Override
  public long size() {
    return size;
  }

  /** Test hook: how many part buffers this upload ever allocated. */
  int buffersAllocated() {
    return buffers.allocated();
  }

  private void ensureOpen() {
    if (state == State.FAILED) {
      // A new exception each time: closing the archive streams after a failed write rethrows here,
      // and try-with-resources adding the very exception it is handling to itself would replace the
      // cause with "Self-suppression not permitted".
      throw new RepositoryException(failure.getMessage(), failure);
    }
    if (state == State.COMPLETED) {
      throw new IllegalStateException("upload of " + key + " is already complete");
    }
  }

  private byte[] takeBuffer() {
    try {
      byte[] buffer = buffers.take();
      throwIfPartFailed();
      return buffer;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RepositoryException("upload of " + key + " to bucket " + bucket + " was interrupted", e);
    }
  }

  private void throwIfPartFailed() {
    Throwable failed = partFailure.get();
    if (failed != null) {
      throw errors.translate("upload", failed, key);
    }
  }

  private void sendPart() {
    throwIfPartFailed();
    if (uploadId == null) {
      uploadId = create();
    }
    if (parts.size() >= MAX_PARTS) {
      throw new RepositoryException(
          "S3 upload failed: " + key + " needs more than " + MAX_PARTS + " parts of " + partSize + " bytes");
    }
    int number = parts.size() + 1;
    byte[] buffer = current;
    int length = filled;
    current = null;
    filled = 0;
    parts.add(senders().submit(() -> sendPart(number, buffer, length)));
  }

  private CompletedPart sendPart(int number, byte[] buffer, int length) {
    try {
      UploadPartRequest request =
          UploadPartRequest.builder()
              .bucket(bucket)
              .key(key)
              .uploadId(uploadId)
              .partNumber(number)
              .contentLength((long) length)
              .build();
      String etag = s3.uploadPart(request, body(buffer, length)).eTag();
      return CompletedPart.builder().partNumber(number).eTag(etag).build();
    } catch (RuntimeException | Error e) {
      partFailure.compareAndSet(null, e);
      throw e;
    } finally {
      buffers.release(buffer);
    }
  }

  private String create() {
    CreateMultipartUploadRequest.Builder request =
        CreateMultipartUploadRequest.builder().bucket(bucket).key(key).contentType(CONTENT_TYPE);
    try {
      return s3.createMultipartUpload(sse.apply(request).build()).uploadId();
    } catch (RuntimeException e) {
      throw errors.translate("upload", e, key);
    }
  }

  private void putWhole() {
    PutObjectRequest.Builder request =
        PutObjectRequest.builder().bucket(bucket).key(key).contentType(CONTENT_TYPE).contentLength((long) filled);
    try {
      s3.putObject(sse.apply(request).build(), current == null ? RequestBody.empty() : body(current, filled));
    } catch (RuntimeException e) {
      throw errors.translate("upload", e, key);
    }
  }

  private List<CompletedPart> awaitParts() {
    List<CompletedPart> done = new ArrayList<>(parts.size());
    for (Future<CompletedPart> part : parts) {
      try {
        done.add(part.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RepositoryException("upload of " + key + " to bucket " + bucket + " was interrupted", e);
      } catch (ExecutionException e) {
        Throwable first = partFailure.get();
        throw errors.translate("upload", first != null ? first : e.getCause(), key);
      }
    }
    done.sort(Comparator.comparing(CompletedPart::partNumber));
    return done;
  }

  private void complete(List<CompletedPart> done) {
    try {
      s3.completeMultipartUpload(
          c -> c.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(done)));
    } catch (RuntimeException e) {
      if (S3Errors.isNoSuchUpload(e) && completedBefore(done)) {
        return;
      }
      throw errors.translate("upload", e, key);
    }
  }

  /**
   * Whether the object at the key is the one these parts make. A retried complete finds no upload
   * on stores that forget it once completed, when the first attempt completed it but its answer
   * was lost; the object is then there, with our size and the ETag our parts give.
   */
  private boolean completedBefore(List<CompletedPart> done) {
    Optional<String> expected = MultipartETag.of(done);
    if (expected.isEmpty()) {
      return false;
    }
    try {
      HeadObjectResponse head = s3.headObject(h -> h.bucket(bucket).key(key));
      return head.contentLength() != null && head.contentLength() == size
          && expected.get().equalsIgnoreCase(MultipartETag.unquoted(head.eTag()));
    } catch (RuntimeException e) {
      return false; // not there (or not reachable): the upload failed
    }
  }

  /** Records the failure, stops the senders, aborts the multipart upload; returns what to throw. */
  private RepositoryException fail(Throwable cause) {
    if (state == State.FAILED) {
      return failure;
    }
    state = State.FAILED;
    failure = errors.translate("upload", cause, key);
    stopSenders();
    if (uploadId != null) {
      try {
        s3.abortMultipartUpload(a -> a.bucket(bucket).key(key).uploadId(uploadId));
      } catch (RuntimeException e) {
        // The store is likely unreachable; abortIncompleteUploads removes the leftovers later.
        LOG.warn("could not abort the multipart upload of {}: {}", key, errors.translate("abort", e, key).getMessage());
        failure.addSuppressed(e);
      }
    }
    release();
    return failure;
  }

  /** Parts still being sent must finish (or be interrupted) before an abort can remove them all. */
  private void stopSenders() {
    if (senders == null) {
      return;
    }
    senders.shutdownNow();
    try {
      if (!senders.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("parts of {} were still being sent when the upload was aborted", key);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void release() {
    if (senders != null) {
      senders.shutdown();
    }
    current = null;
    buffers.clear();
  }

  private ExecutorService senders() {
    if (senders == null) {
      senders =
          Executors.newFixedThreadPool(
              parallel,
              task -> {
                Thread thread = new Thread(task, "s3-upload-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
    }
    return senders;
  }

  /** A body that re-reads the buffer on retries without copying it (RequestBody.fromBytes copies). */
  private static RequestBody body(byte[] buffer, int length) {
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length, CONTENT_TYPE);
  }
}
