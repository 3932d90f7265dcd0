package dev.lifeboat.testing;

import dev.lifeboat.agent.s3.S3Location;
import dev.lifeboat.agent.s3.S3Options;
import dev.lifeboat.agent.s3.S3Store;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for tests: S3Proxy on 127.0.0.1 (a free port), storing into a directory, checking
 * AWS V4 signatures against a fixed identity, with one bucket ({@link #BUCKET}) created.
 *
 * <p>Credentials, three ways:
 *
 * <ul>
 *   <li>{@link #store(String)} / {@link #credentials()}: an {@link S3Store} built with explicit
 *       credentials (its second constructor) — nothing global changes;
 *   <li>{@link #useAsDefaultCredentials()}: sets the {@code aws.accessKeyId}/{@code
 *       aws.secretAccessKey} system properties, which the SDK default chain reads before the
 *       environment, for in-process CLI tests (close the returned handle to restore them);
 *   <li>{@link #environment()}: AWS_* variables for a child process such as {@code java -jar}.
 * </ul>
 *
 * <p>{@link #stop()} then {@link #restart()} brings the server back on the same port with the same
 * data, to test interrupted transfers. The server is strict ({@code ignoreUnknownHeaders(false)}, the
 * S3Proxy default) so tests prove the production client works without leniency: S3Proxy rejects the
 * SDK multipart client's {@code x-amz-mp-object-size} header unless told to ignore unknown headers.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String BUCKET = "lifeboat-test";
  public static final String ACCESS_KEY = "lifeboat-test-access-key";
  public static final String SECRET_KEY = "lifeboat-test-secret-key";
  public static final String REGION = "us-east-1";

  private final BlobStore blobStore;
  private S3Proxy proxy;
  private int port;

  private S3ProxyServer(BlobStore blobStore) {
    this.blobStore = blobStore;
  }

  /**
   * Starts a server storing its objects under {@code dir} (e.g. a JUnit {@code @TempDir}). This
   * store refuses SSE headers (HTTP 501 "Server-side encryption is not supported").
   */
  public static S3ProxyServer start(Path dir) {
    try {
      Files.createDirectories(dir);
      return launchNew(new FilesystemNio2BlobStore(dir.toString()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create " + dir, e);
    }
  }

  /** Starts a server keeping objects in memory; unlike {@link #start(Path)} it accepts SSE headers. */
  public static S3ProxyServer startInMemory() {
    return launchNew(new TransientNio2BlobStore());
  }

  private static S3ProxyServer launchNew(BlobStore blobStore) {
    S3ProxyServer server = new S3ProxyServer(blobStore);
    try {
      server.launch(0);
      blobStore.createContainer(BUCKET);
      return server;
    } catch (Exception e) {
      server.stop();
      throw new IllegalStateException("cannot start S3Proxy", e);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public String bucket() {
    return BUCKET;
  }

  public String accessKey() {
    return ACCESS_KEY;
  }

  public String secretKey() {
    return SECRET_KEY;
  }

  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** {@code s3://lifeboat-test/<prefix>}, as given to {@code --repository}. */
  public String repository(String prefix) {
    return prefix == null || prefix.isEmpty() ? "s3://" + BUCKET : "s3://" + BUCKET + "/" + prefix;
  }

  /** Path-style options for this server (what {@code --endpoint URL --path-style} gives). */
  public S3Options options() {
    return new S3Options(endpoint(), REGION, true, null, null);
  }

  /** A store on this server's bucket under {@code prefix}; the caller closes it. */
  public S3Store store(String prefix) {
    return new S3Store(options(), S3Location.parse(repository(prefix)), credentials());
  }

  /** A raw SDK client for assertions (listMultipartUploads, headObject...); the caller closes it. */
  public S3Client client() {
    return S3Client.builder()
        .httpClientBuilder(ApacheHttpClient.builder())
        .endpointOverride(URI.create(endpoint()))
        .region(Region.of(REGION))
        .forcePathStyle(true)
        .credentialsProvider(credentials())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  /** Environment variables for a child process talking to this server. */
  public Map<String, String> environment() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", REGION);
  }

  /** Makes the SDK default chain find this server's credentials until the handle is closed. */
  public AutoCloseable useAsDefaultCredentials() {
    String oldKey = System.getProperty("aws.accessKeyId");
    String oldSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    return () -> {
      restore("aws.accessKeyId", oldKey);
      restore("aws.secretAccessKey", oldSecret);
    };
  }

  /**
   * Stops serving at once, dropping open connections like a crashed server; the port is then closed
   * (connection refused) until {@link #restart()}.
   */
  public void stop() {
    if (proxy == null) {
      return;
    }
    try {
      proxy.stop();
    } catch (TimeoutException e) {
      // Jetty reports connections it had to cut; the server is stopped all the same.
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy", e);
    } finally {
      proxy = null;
    }
  }

  /** Starts again on the same port with the same stored data. */
  public void restart() {
    stop();
    try {
      launch(port);
    } catch (Exception e) {
      throw new IllegalStateException("cannot restart S3Proxy on port " + port, e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void launch(int wantedPort) throws Exception {
    proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:" + wantedPort))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(false)
            .stopTimeout(0)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    port = proxy.getPort();
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
