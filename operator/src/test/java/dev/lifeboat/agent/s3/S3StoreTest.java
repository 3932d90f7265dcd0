package dev.lifeboat.agent.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.testing.S3ProxyServer;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** Small-object operations and listings against a real S3Proxy. */
class S3StoreTest {
  @TempDir static Path dir;
  static S3ProxyServer server;
  static S3Store store;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start(dir);
    store = server.store("repo");
  }

  @AfterAll
  static void stop() {
    store.close();
    server.close();
  }

  @Test
  void putSmallThenGetSmallRoundTrips() {
    String key = store.location().key("ns", "round-trip", "manifest.json");
    store.putSmall(key, "{\"v\":1}".getBytes(UTF_8), "application/json");

    assertThat(store.getSmall(key)).hasValueSatisfying(b -> assertThat(new String(b, UTF_8)).isEqualTo("{\"v\":1}"));
    try (S3Client raw = server.client()) {
      assertThat(raw.headObject(h -> h.bucket(server.bucket()).key(key)).contentType()).isEqualTo("application/json");
    }
  }

  @Test
  void getSmallOfAMissingKeyIsEmpty() {
    assertThat(store.getSmall(store.location().key("ns", "nothing-here"))).isEmpty();
  }

  @Test
  void downloadOfAMissingKeyNamesKeyAndBucket() {
    String key = store.location().key("ns", "missing.tar.zst");
    assertThatThrownBy(() -> store.download(key))
        .isInstanceOf(RepositoryException.class)
        .hasMessage(key + " not found in bucket " + server.bucket());
  }

  @Test
  void downloadStreamsTheWholeObject() throws Exception {
    String key = store.location().key("ns", "download", "small.bin");
    store.putSmall(key, "hello, volume".getBytes(UTF_8), "application/octet-stream");
    try (InputStream in = store.download(key)) {
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("hello, volume");
    }
  }

  @Test
  void parallelRangedDownloadReturnsTheObjectInOrder() throws Exception {
    byte[] data = new byte[21 * 1024 * 1024 + 123]; // not a multiple of the range size
    new java.util.Random(7).nextBytes(data);
    String key = store.location().key("parallel.bin");
    try (S3Store.UploadStream upload = store.upload(key, S3Store.MIN_PART_SIZE, 2)) {
      upload.write(data, 0, data.length);
    }
    try (var in = store.downloadInParallel(key, 5 * 1024 * 1024, 3)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    try (var in = store.downloadInParallel(key, 64 * 1024 * 1024, 3)) {
      assertThat(in.readAllBytes()).as("one range larger than the object").isEqualTo(data);
    }
  }

  @Test
  void parallelDownloadOfAMissingKeyNamesIt() {
    String key = store.location().key("absent.bin");
    assertThatThrownBy(() -> store.downloadInParallel(key, 5 * 1024 * 1024, 3))
        .isInstanceOf(RepositoryException.class)
        .hasMessage(key + " not found in bucket " + server.bucket());
  }

  @Test
  void listReturnsEveryObjectUnderThePrefixAcrossPages() {
    String base = store.location().key("ns", "many/");
    IntStream.range(0, 1_005).forEach(i -> store.putSmall(base + "b/" + i, new byte[i % 7], "text/plain"));
    store.putSmall(store.location().key("ns", "many-other", "x"), new byte[1], "text/plain");

    var objects = store.list(base);

    assertThat(objects).hasSize(1_005);
    assertThat(objects).allSatisfy(o -> assertThat(o.key()).startsWith(base + "b/"));
    assertThat(objects).filteredOn(o -> o.key().equals(base + "b/13")).singleElement()
        .satisfies(o -> {
          assertThat(o.size()).isEqualTo(6);
          assertThat(o.lastModified()).isNotNull();
        });
  }

  @Test
  void listPrefixesGivesTheBackupDirectoriesWithTrailingSlash() {
    String policy = store.location().key("ns", "prefixes/");
    store.putSmall(policy + "20251109T020000Z/manifest.json", new byte[1], "application/json");
    store.putSmall(policy + "20251109T020000Z/data.tar.zst", new byte[1], "application/octet-stream");
    store.putSmall(policy + "20251110T020000Z/data.tar.zst", new byte[1], "application/octet-stream");
    store.putSmall(policy + "loose-object", new byte[1], "text/plain");

    assertThat(store.listPrefixes(policy))
        .containsExactly(policy + "20251109T020000Z/", policy + "20251110T020000Z/");
  }

  @Test
  void deletePrefixRemovesOnlyThatPrefixInBatches() {
    String doomed = store.location().key("ns", "delete", "20251109T020000Z/");
    String kept = store.location().key("ns", "delete", "20251109T020000Z-not-this/x");
    IntStream.range(0, 1_203).forEach(i -> store.putSmall(doomed + "f" + i, new byte[1], "text/plain"));
    store.putSmall(kept, new byte[1], "text/plain");

    store.deletePrefix(doomed);

    assertThat(store.list(doomed)).isEmpty();
    assertThat(store.getSmall(kept)).isPresent();
  }

  @Test
  void deletePrefixRefusesAnEmptyPrefix() {
    assertThatThrownBy(() -> store.deletePrefix("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkAccessPassesWithTheRightCredentials() {
    store.checkAccess();
  }

  @Test
  void sseHeadersAreSentAndAStoreWithoutSseSaysSo() {
    // S3Proxy's filesystem store answers SSE headers with 501: proof the header is sent, and the message a user gets.
    try (S3Store encrypted = new S3Store(sseOptions(server), store.location(), server.credentials())) {
      assertThatThrownBy(() -> encrypted.putSmall(encrypted.location().key("ns", "sse", "x"), new byte[1], "text/plain"))
          .isInstanceOf(RepositoryException.class)
          .hasMessageStartingWith("S3 put failed: Server-side encryption is not supported.");
    }
  }

  @Test
  void sseS3PutAndMultipartUploadWorkOnAStoreWithSse() throws Exception {
    try (S3ProxyServer memory = S3ProxyServer.startInMemory();
        S3Store encrypted = new S3Store(sseOptions(memory), S3Location.parse(memory.repository("repo")), memory.credentials())) {
      String manifest = encrypted.location().key("ns", "sse", "manifest.json");
      encrypted.putSmall(manifest, "{}".getBytes(UTF_8), "application/json");
      assertThat(encrypted.getSmall(manifest)).hasValueSatisfying(b -> assertThat(b).isEqualTo("{}".getBytes(UTF_8)));

      String archive = encrypted.location().key("ns", "sse", "data.tar");
      byte[] data = new byte[S3Store.MIN_PART_SIZE + 100];
      new java.util.Random(9).nextBytes(data);
      try (S3Store.UploadStream upload = encrypted.upload(archive, S3Store.MIN_PART_SIZE, 2)) {
        upload.write(data, 0, data.length);
      }
      try (InputStream in = encrypted.download(archive)) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
    }
  }

  private static S3Options sseOptions(S3ProxyServer target) {
    return new S3Options(target.endpoint(), S3ProxyServer.REGION, true, "AES256", null);
  }
}
