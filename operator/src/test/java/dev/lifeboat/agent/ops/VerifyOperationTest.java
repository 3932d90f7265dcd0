package dev.lifeboat.agent.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.s3.S3Store;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.retention.RetentionRules;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.S3ProxyServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A drill racing a retention pass: the pin is what keeps the backup readable. */
class VerifyOperationTest {
  static final String OLDEST = "20251101T020000Z";

  @TempDir
  Path dir;
  S3ProxyServer s3;
  S3Store store;
  BackupRepository repository;
  MutableClock clock = MutableClock.at("2025-11-03T03:00:00Z");

  @BeforeEach
  void setUp() throws IOException {
    s3 = S3ProxyServer.start(dir.resolve("s3"));
    store = s3.store("prod");
    repository = new BackupRepository(store, "rose", "rose-memory");
    AgentCli agent = new AgentCli(s3, "prod");
    Path first = Files.createDirectories(dir.resolve("first"));
    Files.writeString(first.resolve("a.txt"), "first volume\n");
    Path second = Files.createDirectories(dir.resolve("second"));
    Files.writeString(second.resolve("b.txt"), "second volume\n");
    for (String id : List.of(OLDEST, "20251102T020000Z")) {
      AgentCli.Run run = agent.run("backup", "--volume", "aa-first=" + first, "--volume", "bb-second=" + second,
          "--backup-id", id, "--min-size", "0");
      assertThat(run.exitCode()).as(run.stderr()).isZero();
    }
  }

  @AfterEach
  void tearDown() {
    store.close();
    s3.close();
  }

  /** Progress output that runs a keepLast=1 retention pass once the first volume has been read. */
  PrintStream retentionAfterTheFirstVolume() {
    return new PrintStream(new OutputStream() {
      boolean ran;

      @Override
      public void write(int b) {
        if (!ran) {
          ran = true;
          new RetentionOperation(repository, clock).apply(RetentionRules.parse("keepLast=1", null), false);
        }
      }
    }, true);
  }

  @Test
  void aRetentionPassDuringTheDrillKeepsThePinnedBackupAndTheDrillSucceeds() throws Exception {
    VerifyOperation drill = new VerifyOperation(repository, clock, retentionAfterTheFirstVolume());

    AgentResult result = drill.run(new VerifyOperation.Request(OLDEST, null, null, null, Duration.ofHours(6)));

    assertThat(result.succeeded()).as(result.message()).isTrue();
    assertThat(result.message()).startsWith("verified backup " + OLDEST + ": 2 volumes, 2 files");
    assertThat(repository.complete()).extracting(Manifest::id).contains(OLDEST);
    assertThat(repository.pinKeys()).isEmpty();
  }

  @Test
  void withoutAPinTheSameRaceLosesTheBackupUnderTheDrill() {
    VerifyOperation drill = new VerifyOperation(repository, clock, retentionAfterTheFirstVolume());

    assertThatThrownBy(() -> drill.run(new VerifyOperation.Request(OLDEST, null, null, null, null)))
        .isInstanceOf(VerificationFailed.class)
        .hasMessageStartingWith("backup " + OLDEST + ", volume bb-second: ");
    assertThat(repository.complete()).extracting(Manifest::id).doesNotContain(OLDEST);
  }
}
