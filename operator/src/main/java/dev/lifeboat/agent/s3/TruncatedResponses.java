package dev.lifeboat.agent.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import javax.xml.stream.XMLStreamException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Failures the SDK does not retry on its own but should: a response body cut while it was parsed.
 * The SDK retries an {@link IOException} only as the exception or its direct cause; a LIST or
 * CompleteMultipartUpload body cut mid-XML arrives as "Could not parse XML response" with the
 * I/O error two levels down, and fails on the first attempt. Every call through the client gets
 * the same retry budget for it.
 */
final class TruncatedResponses {
  private TruncatedResponses() {}

  static boolean retryable(Throwable failure) {
    if (!(failure instanceof SdkClientException)) {
      return false; // a service error (4xx/5xx) is the SDK's own call
    }
    for (Throwable t = failure.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof XMLStreamException) {
        return true;
      }
    }
    return String.valueOf(failure.getMessage()).startsWith("Could not parse XML response");
  }
}
