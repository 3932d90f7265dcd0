package dev.lifeboat.agent.s3;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.testing.S3ProxyServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The one-line messages a person sees when the repository cannot be used. */
class S3AccessErrorsTest {
  private static final String WRONG_SECRET = "not-the-secret-Xy7Qz";

  @TempDir static Path dir;
  static S3ProxyServer server;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void wrongSecretIsAccessDeniedWithoutPrintingTheSecret() {
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(), WRONG_SECRET));
    try (S3Store store = new S3Store(server.options(), S3Location.parse(server.repository("repo")), credentials)) {
      assertThatThrownBy(store::checkAccess)
          .isInstanceOf(RepositoryException.class)
          .hasMessage("access denied to bucket " + server.bucket() + " (HTTP 403): check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
          .message().doesNotContain(WRONG_SECRET);
      assertThatThrownBy(() -> store.list("repo/")).hasMessageStartingWith("access denied to bucket");
      assertThatThrownBy(() -> store.putSmall("repo/x", new byte[1], "text/plain")).hasMessageStartingWith("access denied");
    }
  }

  @Test
  void unknownAccessKeyIsAccessDenied() {
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", WRONG_SECRET));
    try (S3Store store = new S3Store(server.options(), S3Location.parse(server.repository("repo")), credentials)) {
      assertThatThrownBy(() -> store.getSmall("repo/x")).hasMessageStartingWith("access denied to bucket");
    }
  }

  @Test
  void unknownBucketDoesNotExistAtTheEndpoint() {
    try (S3Store store = new S3Store(server.options(), S3Location.parse("s3://no-such-bucket/repo"), server.credentials())) {
      String expected = "bucket no-such-bucket does not exist at " + server.endpoint();
      assertThatThrownBy(store::checkAccess).isInstanceOf(RepositoryException.class).hasMessage(expected);
      assertThatThrownBy(() -> store.list("repo/")).hasMessage(expected);
      assertThatThrownBy(() -> store.putSmall("repo/x", new byte[1], "text/plain")).hasMessage(expected);
    }
  }

  @Test
  void closedPortCannotBeReached() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    S3Options options = new S3Options(endpoint, S3ProxyServer.REGION, true, null, null);
    try (S3Store store = new S3Store(options, S3Location.parse(server.repository("repo")), server.credentials())) {
      assertThatThrownBy(store::checkAccess)
          .isInstanceOf(RepositoryException.class)
          .hasMessageStartingWith("cannot reach S3 endpoint " + endpoint + ": ")
          .hasMessageContaining("refused");
    }
  }

  @Test
  void stoppedServerCannotBeReached(@TempDir Path own) {
    try (S3ProxyServer stopped = S3ProxyServer.start(own); S3Store store = stopped.store("repo")) {
      store.checkAccess();
      stopped.stop();
      assertThatThrownBy(() -> store.list("repo/"))
          .isInstanceOf(RepositoryException.class)
          .hasMessageStartingWith("cannot reach S3 endpoint " + stopped.endpoint() + ": ");
    }
  }
}
