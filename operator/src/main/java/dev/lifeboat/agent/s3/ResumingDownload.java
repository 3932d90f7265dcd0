package dev.lifeboat.agent.s3;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A plain GET of a whole object that, when the connection drops mid-body, continues with a byte-range
 * GET from where it stopped (pinned to the same ETag) instead of failing a long restore. Byte ranges
 * work everywhere; part-number ranges do not (S3Proxy).
 */
final class ResumingDownload extends InputStream {
  /**
   * Resumes in a row without a byte read in between: the same budget of attempts as every other
   * call the client makes. A resume that got further starts the count again, so a long download
   * over a flaky network is not failed by drops spread over hours.
   */
  static final int MAX_RESUMES = S3Clients.MAX_ATTEMPTS - 1;

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final S3Errors errors;
  private ResponseInputStream<GetObjectResponse> body;
  private long length;
  private String etag;
  private long position;
  private int resumes;
  private int resumesInARow;
  private long resumedAt = -1;
  private boolean closed;

  ResumingDownload(S3Client s3, String bucket, String key, S3Errors errors) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.errors = errors;
    open();
    this.length = body.response().contentLength() == null ? -1 : body.response().contentLength();
    this.etag = body.response().eTag();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  /** Throws {@link RepositoryException} when the object cannot be fetched again after a dropped connection. */
  @Override
  public int read(byte[] buffer, int offset, int count) throws IOException {
    if (closed) {
      throw new IOException("download of " + key + " is closed");
    }
    if (count == 0) {
      return 0;
    }
    while (true) {
      try {
        int n = body.read(buffer, offset, count);
        if (n > 0) {
          position += n;
        } else if (n < 0 && length >= 0 && position < length) {
          throw new EOFException("connection closed after " + position + " of " + length + " bytes");
        }
        return n;
      } catch (IOException e) {
        resume(e);
      }
    }
  }

  /** Test hook: how many times the body was fetched again after a dropped connection. */
  int resumes() {
    return resumes;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Closing a partly read body would otherwise drain the rest of the object to reuse the connection.
    if (length < 0 || position < length) {
      body.abort();
    }
    try {
      body.close();
    } catch (IOException ignored) {
      // The connection is discarded either way.
    }
  }

  private void resume(IOException cause) {
    resumes++;
    resumesInARow = position > resumedAt ? 1 : resumesInARow + 1;
    resumedAt = position;
    if (resumesInARow > MAX_RESUMES || length < 0) {
      throw errors.translate("download", cause, key);
    }
    body.abort();
    open();
  }

  private void open() {
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
    if (position > 0) {
      request.range("bytes=" + position + "-").ifMatch(etag);
    }
    try {
      body = s3.getObject(request.build());
    } catch (RuntimeException e) {
      throw errors.translate("download", e, key);
    }
  }
}
