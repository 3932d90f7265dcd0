package dev.lifeboat.agent.s3;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Builds the one sync S3 client the agent uses, tuned to work with AWS and S3-compatible stores alike. */
final class S3Clients {
  static final int MAX_ATTEMPTS = 5;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_CONNECTIONS = 64;

  private S3Clients() {}

  static S3Client create(S3Options options, AwsCredentialsProvider credentials) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(SOCKET_TIMEOUT)
                    .maxConnections(MAX_CONNECTIONS))
            .credentialsProvider(credentials)
            .region(Region.of(options.effectiveRegion()))
            .forcePathStyle(options.pathStyle())
            // Sign each part's payload once (one SHA-256 header) instead of aws-chunked streaming
            // signatures, which make the server verify a signature per 64 KiB chunk: several times
            // the server's CPU for the same upload on plain-http endpoints (MinIO, S3Proxy).
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            // SDK 2.30+ sends CRC32 checksums on every upload by default; S3Proxy and many
            // S3-compatible stores reject or mishandle them. Only send what an operation requires...
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            // ...and for those (DeleteObjects) send Content-MD5, which every store accepts, instead of CRC32.
            .addPlugin(LegacyMd5Plugin.create())
            // Backoff with jitter on 5xx, throttling, timeouts and dropped connections, and on
            // response bodies cut while being parsed, and on response heads cut short, which the SDK
            // would not retry by itself (or would take for a whole answer).
            .overrideConfiguration(
                o ->
                    o.addExecutionInterceptor(new CutResponseHeads()).retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .retryOnException(TruncatedResponses::retryable)
                            .maxAttempts(MAX_ATTEMPTS)
                            // Every call gets MAX_ATTEMPTS, whatever failed before it: the retry
                            // token bucket would leave calls late in a long backup with fewer
                            // attempts, or none, after a bad spell. One agent is no retry storm.
                            .circuitBreakerEnabled(false)
                            .build()));
    if (options.endpoint() != null) {
      builder.endpointOverride(endpointUri(options.endpoint()));
    }
    return builder.build();
  }

  private static URI endpointUri(String endpoint) {
    try {
      URI uri = URI.create(endpoint);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--endpoint: '" + endpoint + "' is not a URL like https://host[:port]");
    }
  }
}
