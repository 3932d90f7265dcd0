package dev.lifeboat.agent.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.repo.Pin;
import dev.lifeboat.agent.s3.S3Store;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.retention.RetentionRules;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Pin objects in a real S3 repository, and retention honouring them. */
class PinsTest {
  static final String PINS = "prod/rose/rose-memory/pins/";
  static final RetentionRules KEEP_LAST_ONE = RetentionRules.parse("keepLast=1", null);

  @TempDir
  Path dir;
  S3ProxyServer s3;
  S3Store store;
  BackupRepository repository;
  AgentCli agent;
  MutableClock clock = MutableClock.at("2025-11-03T03:00:00Z");
  PrintStream err = new PrintStream(new ByteArrayOutputStream());

  @BeforeEach
  void setUp() throws IOException {
    s3 = S3ProxyServer.start(dir.resolve("s3"));
    store = s3.store("prod");
    repository = new BackupRepository(store, "rose", "rose-memory");
    agent = new AgentCli(s3, "prod");
    Path volume = Files.createDirectories(dir.resolve("volume"));
    Files.writeString(volume.resolve("notes.txt"), "a note\n".repeat(100));
    for (String id : List.of("20251101T020000Z", "20251102T020000Z", "20251103T020000Z")) {
      // --min-size 0: a small backup is not suspicious, and a suspicious newest backup would stop all pruning.
      AgentCli.Run run = agent.run("backup", "--volume", "memory-data=" + volume, "--backup-id", id, "--min-size", "0");
      assertThat(run.exitCode()).as(run.stderr()).isZero();
    }
  }

  @AfterEach
  void tearDown() {
    store.close();
    s3.close();
  }

  List<String> backups() {
    return repository.complete().stream().map(Manifest::id).toList();
  }

  List<String> pinObjects() {
    try (var client = s3.client()) {
      return client.listObjectsV2(l -> l.bucket(S3ProxyServer.BUCKET).prefix(PINS)).contents().stream()
          .map(S3Object::key).toList();
    }
  }

  AgentResult.Retention prune() {
    return new RetentionOperation(repository, clock).apply(KEEP_LAST_ONE, false);
  }

  @Test
  void aPinIsAnObjectBesideTheBackupsNamingTheBackupAndItsExpiry() throws IOException {
    Pins.Hold hold = new Pins(repository, clock).hold("20251101T020000Z", Pin.VERIFY, Duration.ofHours(6), err);

    assertThat(pinObjects()).singleElement().asString()
        .matches("prod/rose/rose-memory/pins/verify-20251101T020000Z-[0-9a-f]{8}\\.json");
    JsonNode pin = new ObjectMapper().readTree(store.getSmall(pinObjects().get(0)).orElseThrow());
    assertThat(pin.get("backupId").asText()).isEqualTo("20251101T020000Z");
    assertThat(pin.get("reason").asText()).isEqualTo("verify");
    assertThat(pin.get("created").asText()).isEqualTo("2025-11-03T03:00:00Z");
    assertThat(pin.get("expires").asText()).isEqualTo("2025-11-03T09:00:00Z");

    hold.close();
    assertThat(pinObjects()).isEmpty();
    assertThat(backups()).as("pins are not backups").hasSize(3);
  }

  @Test
  void aBackupRetentionWouldPruneIsKeptWhileAPinHoldsItAndPrunedOnceThePinExpired() {
    new Pins(repository, clock).hold("20251101T020000Z", Pin.VERIFY, Duration.ofHours(6), err);

    AgentResult.Retention held = prune();

    assertThat(backups()).containsExactly("20251103T020000Z", "20251101T020000Z");
    assertThat(held.prunedIds()).containsExactly("20251102T020000Z");
    assertThat(held.pinned()).containsExactly("20251101T020000Z");
    assertThat(held.kept()).isEqualTo(2);

    clock.advance(Duration.ofHours(6));
    AgentResult.Retention expired = prune();

    assertThat(backups()).containsExactly("20251103T020000Z");
    assertThat(expired.prunedIds()).containsExactly("20251101T020000Z");
    assertThat(expired.pinned()).isNull();
    assertThat(pinObjects()).as("the expired pin is deleted").isEmpty();
  }

  @Test
  void pinsAreReadRightBeforeDeletingSoAPinWrittenAfterThePassListedStillHolds() {
    List<Manifest> listedAtJobStart = repository.complete();
    new Pins(repository, clock).hold("20251102T020000Z", Pin.VERIFY, Duration.ofHours(6), err);

    AgentResult.Retention outcome = new RetentionOperation(repository, clock).apply(KEEP_LAST_ONE, false, listedAtJobStart, List.of());

    assertThat(backups()).containsExactly("20251103T020000Z", "20251102T020000Z");
    assertThat(outcome.pinned()).containsExactly("20251102T020000Z");
  }

  @Test
  void anExpiredPinIsDeletedEvenWhenNothingIsPruned() {
    new Pins(repository, clock).hold("20251103T020000Z", Pin.RESTORE, Duration.ofHours(1), err);
    clock.advance(Duration.ofHours(2));

    new RetentionOperation(repository, clock).apply(RetentionRules.parse("keepLast=5", null), false);

    assertThat(pinObjects()).isEmpty();
    assertThat(backups()).hasSize(3);
  }

  @Test
  void aDryRunReportsWhatPinsHoldAndDeletesNothing() {
    new Pins(repository, clock).hold("20251101T020000Z", Pin.VERIFY, Duration.ofHours(6), err);
    new Pins(repository, clock).hold("20251102T020000Z", Pin.VERIFY, Duration.ofMinutes(1), err);
    clock.advance(Duration.ofMinutes(5));

    AgentResult.Retention outcome = new RetentionOperation(repository, clock).apply(KEEP_LAST_ONE, true);

    assertThat(outcome.pinned()).containsExactly("20251101T020000Z");
    assertThat(outcome.prunedIds()).containsExactly("20251102T020000Z");
    assertThat(backups()).hasSize(3);
    assertThat(pinObjects()).as("an expired pin is left to a real run").hasSize(2);
  }

  @Test
  void anObjectInPinsThatIsNotAPinHoldsNothingAndIsLeftAlone() {
    store.putSmall(PINS + "notes.json", "not json".getBytes(), "application/json");

    prune();

    assertThat(backups()).containsExactly("20251103T020000Z");
    assertThat(pinObjects()).containsExactly(PINS + "notes.json");
  }

  @Test
  void aBackupJobsRetentionHonoursAPinAnotherClusterWrote() throws IOException {
    try (var client = s3.client()) {
      client.putObject(PutObjectRequest.builder().bucket(S3ProxyServer.BUCKET).key(PINS + "verify-elsewhere.json").build(),
          RequestBody.fromString("{\"backupId\":\"20251101T020000Z\",\"reason\":\"verify\","
              + "\"created\":\"2025-11-03T03:00:00Z\",\"expires\":\"2999-01-01T00:00:00Z\"}"));
    }
    Path log = dir.resolve("log");

    AgentCli.Run run = agent.run("backup", "--volume", "memory-data=" + dir.resolve("volume"),
        "--backup-id", "20251104T020000Z", "--min-size", "0", "--retention", "keepLast=1", "--termination-log",
        log.toString());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(backups()).containsExactly("20251104T020000Z", "20251101T020000Z");
    AgentResult.Retention retention = AgentResult.parse(Files.readString(log)).retention();
    assertThat(retention.pinned()).containsExactly("20251101T020000Z");
    assertThat(retention.prunedIds()).containsExactlyInAnyOrder("20251102T020000Z", "20251103T020000Z");
  }

  @Test
  void aRestoreWithPinTtlLeavesNoPinBehind() throws IOException {
    Path target = Files.createDirectories(dir.resolve("target"));

    AgentCli.Run run = agent.run("restore", "--backup", "20251101T020000Z", "--target", target.toString(),
        "--pin-ttl", "2h");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(target.resolve("notes.txt")).exists();
    assertThat(pinObjects()).isEmpty();
  }
}
