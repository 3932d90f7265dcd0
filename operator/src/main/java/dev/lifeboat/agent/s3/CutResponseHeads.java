package dev.lifeboat.agent.s3;

import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Fails, retryably, a response whose head was cut by a dropped connection. Apache HttpClient takes
 * the end of the stream inside a head for its end: the response arrives with the headers read so
 * far and an empty body, and an empty manifest, a range without its length or an UploadPart
 * without its ETag would pass for an answer. S3 frames every response with a body by
 * Content-Length or chunked encoding, and sends Content-Length last or nearly so, so a cut head
 * lacks both.
 */
final class CutResponseHeads implements ExecutionInterceptor {
  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    SdkHttpResponse response = context.httpResponse();
    int status = response.statusCode();
    boolean bodyless = context.httpRequest().method() == SdkHttpMethod.HEAD || status == 204 || status == 304
        || status < 200;
    if (bodyless
        || response.firstMatchingHeader("Content-Length").isPresent()
        || response.firstMatchingHeader("Transfer-Encoding").isPresent()) {
      return;
    }
    throw SdkClientException.create("S3 response cut inside its head (HTTP " + status + " without Content-Length)",
        new IOException("connection closed inside the response head"));
  }
}
