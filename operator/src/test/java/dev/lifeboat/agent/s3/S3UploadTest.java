package dev.lifeboat.agent.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.testing.FaultProxy;
import dev.lifeboat.testing.FaultProxy.Fault;
import dev.lifeboat.testing.FaultProxy.Kind;
import dev.lifeboat.testing.LogCapture;
import dev.lifeboat.testing.S3ProxyServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/** The streaming multipart upload and the whole-object download, against a real S3Proxy. */
class S3UploadTest {
  private static final int MIB = 1024 * 1024;
  private static final int PART = 5 * MIB;

  @TempDir Path dir;
  @RegisterExtension
  final LogCapture logs = LogCapture.of(MultipartUploadStream.class);
  S3ProxyServer server;
  S3Store store;

  @BeforeEach
  void start() {
    server = S3ProxyServer.start(dir);
    store = server.store("repo");
  }

  @AfterEach
  void stop() {
    store.close();
    server.close();
  }

  @Test
  void uploadsFortyMebibytesInParallelPartsIntact() throws Exception {
    String key = store.location().key("ns", "policy", "20251109T020000Z", "data.tar.zst");
    long size = 40L * MIB + 12_345;

    String written;
    S3Store.UploadStream upload = store.upload(key, PART, 3);
    try (upload) {
      written = writeRandom(upload, size, 1);
    }

    assertThat(upload.size()).isEqualTo(size);
    assertThat(store.list(key)).singleElement().satisfies(o -> assertThat(o.size()).isEqualTo(size));
    assertThat(sha256(key)).isEqualTo(written);
    assertThat(uploadsInProgress()).isEmpty();
  }

  @Test
  void neverAllocatesMoreThanParallelPlusOnePartBuffers() {
    String key = store.location().key("ns", "policy", "bounded.tar");
    MultipartUploadStream upload = (MultipartUploadStream) store.upload(key, PART, 3);
    try (upload) {
      writeRandom(upload, 40L * MIB, 2);
    }

    assertThat(upload.buffersAllocated()).isBetween(1, 3 + 1);
  }

  @Test
  void objectSmallerThanOnePartIsStoredWithOnePut() throws Exception {
    String key = store.location().key("ns", "policy", "tiny.tar");
    String written;
    S3Store.UploadStream upload = store.upload(key, PART, 3);
    try (upload) {
      written = writeRandom(upload, 1_000, 3);
    }

    assertThat(sha256(key)).isEqualTo(written);
    assertThat(((MultipartUploadStream) upload).buffersAllocated()).isEqualTo(1);
  }

  @Test
  void emptyStreamBecomesAnEmptyObject() throws Exception {
    String key = store.location().key("ns", "policy", "empty.tar");
    store.upload(key, PART, 3).close();

    try (InputStream in = store.download(key)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  @Test
  void exactlyOnePartIsAValidMultipartObject() throws Exception {
    String key = store.location().key("ns", "policy", "one-part.tar");
    String written = storeRandom(key, PART, 4);
    assertThat(sha256(key)).isEqualTo(written);
  }

  @Test
  void abortAfterTheProducerFailsLeavesNoUploadAndNoObject() {
    String earlier = store.location().key("ns", "policy", "20251108T020000Z", "manifest.json");
    store.putSmall(earlier, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
    String key = store.location().key("ns", "policy", "20251109T020000Z", "data.tar");

    S3Store.UploadStream upload = store.upload(key, PART, 2);
    writeRandom(upload, 12L * MIB, 5);
    assertThat(uploadsInProgress()).hasSize(1);
    upload.abort();

    assertThatThrownBy(upload::close).isInstanceOf(RepositoryException.class).hasMessageContaining("aborted");
    assertThatThrownBy(() -> upload.write(new byte[10], 0, 10)).isInstanceOf(RepositoryException.class);
    assertThat(uploadsInProgress()).isEmpty();
    assertThat(store.list(store.location().key("ns", "policy", "20251109T020000Z/"))).isEmpty();
    assertThat(store.getSmall(earlier)).isPresent();
  }

  @Test
  void serverGoingAwayMidUploadFailsAndLeavesNothingOnceCleanedUp() {
    String earlier = store.location().key("ns", "policy", "20251108T020000Z", "manifest.json");
    store.putSmall(earlier, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
    String key = store.location().key("ns", "policy", "20251109T020000Z", "data.tar");

    S3Store.UploadStream upload = store.upload(key, PART, 2);
    writeRandom(upload, 12L * MIB, 6);
    server.stop();

    assertThatThrownBy(
            () -> {
              writeRandom(upload, 28L * MIB, 7);
              upload.close();
            })
        .isInstanceOf(RepositoryException.class)
        .hasMessageStartingWith("cannot reach S3 endpoint " + server.endpoint());
    assertThatThrownBy(upload::close).isInstanceOf(RepositoryException.class);
    assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("could not abort the multipart upload of " + key));

    server.restart();
    // The abort could not reach the server either: the periodic cleanup removes what is left.
    store.abortIncompleteUploads(store.location().key("ns", "policy/"), Instant.now().plusSeconds(60));
    assertThat(uploadsInProgress()).isEmpty();
    assertThat(store.list(store.location().key("ns", "policy", "20251109T020000Z/"))).isEmpty();
    assertThat(store.getSmall(earlier)).hasValueSatisfying(b -> assertThat(b).isEqualTo("{}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void abortIncompleteUploadsOnlyTouchesOldUploadsUnderThePrefix() {
    String mine = store.location().key("ns", "policy", "20251109T020000Z", "data.tar");
    String other = store.location().key("ns", "other-policy", "20251109T020000Z", "data.tar");
    try (S3Client raw = server.client()) {
      raw.createMultipartUpload(c -> c.bucket(server.bucket()).key(mine));
      raw.createMultipartUpload(c -> c.bucket(server.bucket()).key(other));
    }
    String prefix = store.location().key("ns", "policy/");

    assertThat(store.abortIncompleteUploads(prefix, Instant.now().minusSeconds(3_600))).isZero();
    assertThat(uploadsInProgress()).extracting(MultipartUpload::key).containsExactlyInAnyOrder(mine, other);

    assertThat(store.abortIncompleteUploads(prefix, Instant.now().plusSeconds(60))).isEqualTo(1);
    assertThat(uploadsInProgress()).extracting(MultipartUpload::key).containsExactly(other);
  }

  @Test
  void downloadResumesWhenTheConnectionDropsMidway() throws Exception {
    String key = store.location().key("ns", "policy", "resume.tar");
    String written = storeRandom(key, 24L * MIB, 8);

    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = store.download(key)) {
      byte[] buffer = new byte[64 * 1024];
      for (int i = 0; i < 16; i++) {
        int n = in.readNBytes(buffer, 0, buffer.length);
        digest.update(buffer, 0, n);
      }
      server.restart();
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      assertThat(((ResumingDownload) in).resumes()).isEqualTo(1);
    }
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(written);
  }

  @Test
  void aDownloadCutAgainAndAgainKeepsResumingWhileEachAttemptGetsFurther() throws Exception {
    String key = store.location().key("ns", "policy", "flaky.tar");
    String written = storeRandom(key, 2L * MIB, 9);
    int cuts = ResumingDownload.MAX_RESUMES + 3; // each cut response still brings half of what was left
    try (FaultProxy proxy = new FaultProxy(server.port(), 1);
        S3Store flaky = through(proxy)) {
      proxy.next(Kind.GET_OBJECT, Fault.DROP_MID_RESPONSE, 1).next(Kind.GET_RANGE, Fault.DROP_MID_RESPONSE, cuts - 1);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = flaky.download(key)) {
        digest.update(in.readAllBytes());
        assertThat(((ResumingDownload) in).resumes()).isEqualTo(cuts);
      }
      assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(written);
    }
  }

  @Test
  void aDownloadCutOverAndOverWithoutGettingFurtherFailsWithOneLine() throws Exception {
    String key = store.location().key("ns", "policy", "dead.tar");
    try (S3Store.UploadStream upload = store.upload(key, PART, 2)) {
      writeRandom(upload, MIB, 10);
    }
    try (FaultProxy proxy = new FaultProxy(server.port(), 1);
        S3Store flaky = through(proxy)) {
      proxy.next(Kind.GET_OBJECT, Fault.DROP_MID_RESPONSE, 1);
      InputStream in = flaky.download(key);
      in.readNBytes(MIB / 2); // all the first response brought
      proxy.inject(1.0, Set.of(Kind.GET_RANGE), Set.of(Fault.DROP_BEFORE_REQUEST));
      assertThatThrownBy(in::readAllBytes).isInstanceOf(RepositoryException.class)
          .hasMessage("S3 download failed: connection to " + proxy.endpoint()
              + " lost: The target server failed to respond");
      in.close();
    }
  }

  @Test
  void aParallelDownloadReusesItsRangeBuffers() throws Exception {
    String key = store.location().key("ns", "policy", "ranges.tar");
    String written = storeRandom(key, 41L * MIB + 7, 11); // nine ranges of 5 MiB, the last one short

    ParallelDownload in = (ParallelDownload) store.downloadInParallel(key, PART, 3);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (in) {
      byte[] buffer = new byte[100_000];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }

    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(written);
    assertThat(in.buffersAllocated()).as("three in flight and the one being read").isEqualTo(3 + 1);
  }

  @Test
  void aParallelDownloadFetchesARangeCutMidwayAgain() throws Exception {
    String key = store.location().key("ns", "policy", "cut-range.tar");
    String written = storeRandom(key, 21L * MIB, 12);
    try (FaultProxy proxy = new FaultProxy(server.port(), 1);
        S3Store flaky = through(proxy)) {
      proxy.next(Kind.GET_RANGE, Fault.DROP_MID_RESPONSE, 2);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = flaky.downloadInParallel(key, PART, 3)) {
        digest.update(in.readAllBytes());
      }

      assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(written);
      assertThat(proxy.injected(Kind.GET_RANGE, Fault.DROP_MID_RESPONSE)).isEqualTo(2);
    }
  }

  /** Stores {@code size} seeded random bytes under {@code key}; returns their SHA-256. */
  private String storeRandom(String key, long size, long seed) {
    try (S3Store.UploadStream upload = store.upload(key, PART, 2)) {
      return writeRandom(upload, size, seed);
    }
  }

  /** The same repository, reached through the proxy. */
  private S3Store through(FaultProxy proxy) {
    return new S3Store(new S3Options(proxy.endpoint(), S3ProxyServer.REGION, true, null, null),
        store.location(), server.credentials());
  }

  /** Writes {@code size} seeded random bytes in odd-sized chunks; returns their SHA-256. */
  private static String writeRandom(java.io.OutputStream out, long size, long seed) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      Random random = new Random(seed);
      byte[] chunk = new byte[MIB + 17];
      for (long left = size; left > 0; ) {
        int n = (int) Math.min(left, chunk.length);
        random.nextBytes(chunk);
        out.write(chunk, 0, n);
        digest.update(chunk, 0, n);
        left -= n;
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String sha256(String key) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = store.download(key)) {
      byte[] buffer = new byte[256 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private List<MultipartUpload> uploadsInProgress() {
    try (S3Client raw = server.client()) {
      return raw.listMultipartUploads(l -> l.bucket(server.bucket())).uploads();
    }
  }
}
