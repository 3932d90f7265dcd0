package dev.lifeboat.agent.s3;

import java.io.InputStream;
import software.amazon.awssdk.services.s3.model.S3Exception;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The agent's only door to S3: a sync client plus the few operations the repository needs. All
 * keys and prefixes are full keys inside the bucket (build them with {@link S3Location#key}); every
 * failure surfaces as a one-line {@link RepositoryException}.
 */
public final class S3Store implements AutoCloseable {
  /** S3's minimum part size (except for the last part). */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  private static final int DELETE_BATCH = 1000;

  private final S3Location location;
  private final S3Client s3;
  private final Sse sse;
  private final S3Errors errors;
  private final SdkAutoCloseable ownedCredentials;

  /** Credentials from the SDK default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY first. */
  public S3Store(S3Options options, S3Location location) {
    this(options, location, DefaultCredentialsProvider.builder().build(), true);
  }

  /** With explicit credentials (tests, or callers that resolved them elsewhere). */
  public S3Store(S3Options options, S3Location location, AwsCredentialsProvider credentials) {
    this(options, location, credentials, false);
  }

  private S3Store(S3Options options, S3Location location, AwsCredentialsProvider credentials, boolean owned) {
    this.location = location;
    this.s3 = S3Clients.create(options, credentials);
    this.sse = Sse.of(options);
    this.errors = S3Errors.of(options, location);
    this.ownedCredentials = owned && credentials instanceof SdkAutoCloseable c ? c : null;
  }

  public S3Location location() {
    return location;
  }

  /** An OutputStream whose bytes become the object {@code key}; see {@link UploadStream}. */
  public UploadStream upload(String key, int partSize, int parallel) {
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException("partSize must be at least " + MIN_PART_SIZE + " bytes");
    }
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be at least 1");
    }
    return new MultipartUploadStream(s3, location.bucket(), key, sse, errors, partSize, parallel);
  }

  /**
   * The whole object as a stream (one plain GET, resumed by byte range if the connection drops).
   * A missing key throws {@code RepositoryException("<key> not found in bucket <b>")}; read failures
   * that cannot be resumed throw RepositoryException from {@code read}.
   */
  public InputStream download(String key) {
    return new ResumingDownload(s3, location.bucket(), key, errors);
  }

  /**
   * The whole object, fetched as {@code parallel} byte ranges of {@code chunk} bytes in flight at
   * once: for large archives, where one GET stream is the bottleneck. Missing key fails as in
   * {@link #download(String)}.
   */
  public InputStream downloadInParallel(String key, int chunk, int parallel) {
    return new ParallelDownload(s3, location.bucket(), key, errors, chunk, parallel);
  }

  /** A small object's bytes, or empty when the key does not exist. */
  public Optional<byte[]> getSmall(String key) {
    try {
      return Optional.of(s3.getObjectAsBytes(g -> g.bucket(location.bucket()).key(key)).asByteArray());
    } catch (RuntimeException e) {
      if (errors.isMissingKey(e)) {
        return Optional.empty();
      }
      throw errors.translate("get", e, key);
    }
  }

  /** The object's size, or empty when the key does not exist (one HeadObject). */
  public Optional<Long> size(String key) {
    try {
      return Optional.of(s3.headObject(h -> h.bucket(location.bucket()).key(key)).contentLength());
    } catch (RuntimeException e) {
      // A HEAD's 404 has no body, so no error code to go by.
      if (errors.isMissingKey(e) || e instanceof S3Exception s3e && s3e.statusCode() == 404) {
        return Optional.empty();
      }
      throw errors.translate("head", e, key);
    }
  }

  /** Writes a small object in one PutObject, with the SSE headers. */
  public void putSmall(String key, byte[] body, String contentType) {
    PutObjectRequest.Builder request =
        PutObjectRequest.builder().bucket(location.bucket()).key(key).contentType(contentType);
    try {
      s3.putObject(sse.apply(request).build(), RequestBody.fromBytes(body));
    } catch (RuntimeException e) {
      throw errors.translate("put", e, key);
    }
  }

  /** Every object whose key starts with {@code prefix}, all pages. */
  public List<StoredObject> list(String prefix) {
    List<StoredObject> objects = new ArrayList<>();
    try {
      for (S3Object o : s3.listObjectsV2Paginator(l -> l.bucket(location.bucket()).prefix(prefix)).contents()) {
        objects.add(new StoredObject(o.key(), o.size() == null ? 0 : o.size(), o.lastModified()));
      }
    } catch (RuntimeException e) {
      throw errors.translate("list", e);
    }
    return objects;
  }

  /** The "directories" directly under {@code prefix} (CommonPrefixes, delimiter '/'), each ending in '/'. */
  public List<String> listPrefixes(String prefix) {
    List<String> prefixes = new ArrayList<>();
    try {
      for (CommonPrefix p :
          s3.listObjectsV2Paginator(l -> l.bucket(location.bucket()).prefix(prefix).delimiter("/")).commonPrefixes()) {
        prefixes.add(p.prefix());
      }
    } catch (RuntimeException e) {
      throw errors.translate("list", e);
    }
    return prefixes;
  }

  /** Deletes one object; a key that does not exist is not an error (S3's DeleteObject is idempotent). */
  public void delete(String key) {
    try {
      s3.deleteObject(d -> d.bucket(location.bucket()).key(key));
    } catch (RuntimeException e) {
      if (!errors.isMissingKey(e)) {
        throw errors.translate("delete", e, key);
      }
    }
  }

  /** Deletes every object under {@code prefix} in batches. An empty prefix is refused: it would mean the whole bucket. */
  public void deletePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException("refusing to delete a whole bucket: the prefix is empty");
    }
    List<String> keys = list(prefix).stream().map(StoredObject::key).toList();
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch =
          keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
              .map(k -> ObjectIdentifier.builder().key(k).build())
              .toList();
      DeleteObjectsResponse response;
      try {
        response = s3.deleteObjects(d -> d.bucket(location.bucket()).delete(b -> b.objects(batch).quiet(true)));
      } catch (RuntimeException e) {
        throw errors.translate("delete", e);
      }
      if (response.hasErrors() && !response.errors().isEmpty()) {
        S3Error first = response.errors().get(0);
        throw new RepositoryException(
            "S3 delete failed: " + response.errors().size() + " objects under " + prefix + " were not deleted ("
                + first.code() + ": " + first.message() + ")");
      }
    }
  }

  /** Aborts the multipart uploads under {@code prefix} started before {@code olderThan}; returns how many. */
  public int abortIncompleteUploads(String prefix, Instant olderThan) {
    List<MultipartUpload> stale = new ArrayList<>();
    try {
      for (MultipartUpload u :
          s3.listMultipartUploadsPaginator(l -> l.bucket(location.bucket()).prefix(prefix)).uploads()) {
        // Filtered here too: not every store honours the prefix parameter.
        if (u.key().startsWith(prefix) && u.initiated() != null && u.initiated().isBefore(olderThan)) {
          stale.add(u);
        }
      }
    } catch (RuntimeException e) {
      throw errors.translate("list uploads", e);
    }
    int aborted = 0;
    for (MultipartUpload u : stale) {
      try {
        s3.abortMultipartUpload(a -> a.bucket(location.bucket()).key(u.key()).uploadId(u.uploadId()));
        aborted++;
      } catch (RuntimeException e) {
        if (!S3Errors.isNoSuchUpload(e)) {
          throw errors.translate("abort upload", e, u.key());
        }
      }
    }
    return aborted;
  }

  /** Checks with HeadBucket that the bucket exists and these credentials may use it. */
  public void checkAccess() {
    try {
      s3.headBucket(h -> h.bucket(location.bucket()));
    } catch (RuntimeException e) {
      throw errors.translate("check access", e);
    }
  }

  @Override
  public void close() {
    s3.close();
    if (ownedCredentials != null) {
      ownedCredentials.close();
    }
  }

  /**
   * The bytes written become one object when {@link #close()} returns. Parts are sent in parallel
   * with a fixed number of buffers. On any failure, or after {@link #abort()}, the multipart upload
   * is aborted and {@code write}/{@code close} throw {@link RepositoryException}. Callers must call
   * {@link #abort()} when their own producer fails: closing would store the truncated data. One
   * writer thread; not for concurrent use.
   */
  public abstract static class UploadStream extends OutputStream {
    /** Aborts the upload so nothing is left behind; never throws; a no-op once the upload completed. */
    public abstract void abort();

    /** Bytes written so far. */
    public abstract long size();

    @Override
    public abstract void write(int b);

    @Override
    public abstract void write(byte[] data, int offset, int length);

    @Override
    public abstract void close();
  }
}
