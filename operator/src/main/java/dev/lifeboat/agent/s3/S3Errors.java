package dev.lifeboat.agent.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.apache.http.NoHttpResponseException;
import org.apache.http.conn.ConnectTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns SDK exceptions into one-line {@link RepositoryException}s that name the cause. Kept in one
 * place so every S3 call reports the same way; messages name bucket and endpoint, never
 * credentials.
 */
final class S3Errors {
  private static final Set<String> DENIED =
      Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken");

  private final String bucket;
  private final String endpointUrl;
  private final String endpointName;

  /**
   * @param endpointUrl the URL shown when the endpoint cannot be reached
   * @param endpointName how the store is named when a bucket is missing: the URL, or "AWS"
   */
  S3Errors(String bucket, String endpointUrl, String endpointName) {
    this.bucket = bucket;
    this.endpointUrl = endpointUrl;
    this.endpointName = endpointName;
  }

  static S3Errors of(S3Options options, S3Location location) {
    String name = options.endpoint() != null ? options.endpoint() : "AWS";
    return new S3Errors(location.bucket(), options.endpointLabel(), name);
  }

  /** A failure of a bucket-level operation (listing, HeadBucket): a 404 means the bucket is missing. */
  RepositoryException translate(String operation, Throwable failure) {
    return translate(operation, failure, null);
  }

  /** A failure of an operation on {@code key}: a 404 without a bucket error means the key is missing. */
  RepositoryException translate(String operation, Throwable failure, String key) {
    if (failure instanceof RepositoryException known) {
      return known;
    }
    String message = message(operation, failure, key);
    if (key != null && message.startsWith(key + " not found")) {
      return new MissingObjectException(key, message, failure);
    }
    return new RepositoryException(message, failure);
  }

  boolean isMissingKey(Throwable failure) {
    if (failure instanceof NoSuchKeyException) {
      return true;
    }
    return failure instanceof S3Exception s3 && "NoSuchKey".equals(code(s3));
  }

  /** The multipart upload named is unknown: completed or aborted already. */
  static boolean isNoSuchUpload(Throwable failure) {
    return failure instanceof NoSuchUploadException
        || (failure instanceof S3Exception s3 && "NoSuchUpload".equals(code(s3)));
  }

  private String message(String operation, Throwable failure, String key) {
    if (failure instanceof S3Exception s3) {
      String code = code(s3);
      if (s3.statusCode() == 403 || (code != null && DENIED.contains(code))) {
        return "access denied to bucket " + bucket + " (HTTP 403): check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
      }
      boolean bareNotFound = s3.statusCode() == 404 && (code == null || code.isBlank());
      if (failure instanceof NoSuchBucketException || "NoSuchBucket".equals(code) || (bareNotFound && key == null)) {
        return "bucket " + bucket + " does not exist at " + endpointName;
      }
      if (key != null && (isMissingKey(failure) || bareNotFound)) {
        return key + " not found in bucket " + bucket;
      }
    }
    if (!(failure instanceof S3Exception)) {
      Throwable network = networkCause(failure);
      if (network != null && unreachable(network)) {
        return "cannot reach S3 endpoint " + endpointUrl + ": " + describe(network);
      }
      if (network != null) {
        // Connected, then dropped: the call is what the reader needs, the endpoint was there.
        return "S3 " + operation + " failed: connection to " + endpointUrl + " lost: " + describe(network);
      }
    }
    if (failure instanceof SdkClientException) {
      String text = String.valueOf(failure.getMessage());
      if (text.startsWith("Unable to load credentials")) {
        return "no S3 credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
      }
      Throwable cut = ioCause(failure);
      if (cut != null) {
        // A response that ended early: the SDK's own words ("Could not parse XML response") hide why.
        return "S3 " + operation + " failed: connection to " + endpointUrl + " lost: " + describe(cut);
      }
    }
    return "S3 " + operation + " failed: " + firstLine(failure);
  }

  private static String code(S3Exception s3) {
    return s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
  }

  /** The deepest cause that says the server could not be talked to at all. */
  private static Throwable networkCause(Throwable failure) {
    Throwable found = null;
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SocketException
          || t instanceof UnknownHostException
          || t instanceof NoHttpResponseException
          || t instanceof SSLException
          || (t instanceof InterruptedIOException && !(t.getClass() == InterruptedIOException.class))) {
        found = t;
      }
    }
    return found;
  }

  /** The deepest I/O error under an SDK failure: a body or head cut by a dropped connection. */
  private static Throwable ioCause(Throwable failure) {
    Throwable found = null;
    for (Throwable t = failure.getCause(); t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof IOException) {
        found = t;
      }
    }
    return found;
  }

  /** A failure to connect at all, as opposed to a connection that broke once made. */
  private static boolean unreachable(Throwable network) {
    return network instanceof UnknownHostException
        || network instanceof ConnectException
        || network instanceof NoRouteToHostException
        || network instanceof ConnectTimeoutException
        || network instanceof SSLException;
  }

  private static String describe(Throwable network) {
    if (network instanceof UnknownHostException) {
      return "unknown host " + firstLine(network);
    }
    if (network instanceof SocketTimeoutException || network instanceof InterruptedIOException) {
      return "timed out (" + firstLine(network) + ")";
    }
    if (network instanceof SSLException) {
      return "TLS failed (" + firstLine(network) + ")";
    }
    return firstLine(network);
  }

  private static String firstLine(Throwable failure) {
    String text = failure.getMessage();
    if (text == null || text.isBlank()) {
      return failure.getClass().getSimpleName();
    }
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).trim();
  }
}
