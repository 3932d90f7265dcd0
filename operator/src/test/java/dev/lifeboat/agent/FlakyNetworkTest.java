package dev.lifeboat.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.FaultProxy;
import dev.lifeboat.testing.FaultProxy.Fault;
import dev.lifeboat.testing.FaultProxy.Kind;
import dev.lifeboat.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single scripted faults on one kind of S3 call: each must be retried, or recognised, and never lose a backup. */
class FlakyNetworkTest {
  private static final String BIG_ID = "20251110T020000Z";
  @TempDir
  Path dir;
  S3ProxyServer s3;
  FaultProxy proxy;
  AgentCli agent;
  AgentCli flaky;

  @BeforeEach
  void setUp() throws IOException {
    s3 = S3ProxyServer.start(dir.resolve("s3"));
    proxy = new FaultProxy(s3.port(), 1);
    agent = new AgentCli(s3, "prod");
    flaky = agent.through(proxy.endpoint());
    Path volume = Files.createDirectories(dir.resolve("volume"));
    Files.writeString(volume.resolve("state.json"), "{\"mood\":\"calm\"}");
    AgentCli.Run backup = agent.run("backup", "--volume", "memory-data=" + volume, "--backup-id", "20251109T020000Z");
    assertThat(backup.exitCode()).as(backup.stderr()).isZero();
  }

  @AfterEach
  void tearDown() throws IOException {
    proxy.close();
    s3.close();
  }

  @Test
  void aListResponseCutMidBodyIsRetried() {
    proxy.next(Kind.LIST, Fault.DROP_MID_RESPONSE, 1);
    AgentCli.Run list = flaky.run("list");
    assertThat(proxy.injected(Kind.LIST, Fault.DROP_MID_RESPONSE)).isEqualTo(1);
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    assertThat(ListedBackup.parseLog(list.stdout())).extracting(ListedBackup::id).containsExactly("20251109T020000Z");
  }

  @Test
  void aManifestCutMidBodyIsRetried() {
    proxy.next(Kind.GET_OBJECT, Fault.DROP_MID_RESPONSE, 1);
    AgentCli.Run list = flaky.run("list");
    assertThat(proxy.injected(Kind.GET_OBJECT, Fault.DROP_MID_RESPONSE)).isEqualTo(1);
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    assertThat(ListedBackup.parseLog(list.stdout())).extracting(ListedBackup::id).containsExactly("20251109T020000Z");
  }

  @Test
  void aCompleteMultipartUploadResponseCutMidBodyStillGivesABackup() throws IOException {
    byte[] blob = bigVolume();
    proxy.next(Kind.COMPLETE_UPLOAD, Fault.DROP_MID_RESPONSE, 1);
    AgentCli.Run backup = flaky.run("backup", "--volume", "memory-data=" + dir.resolve("big"), "--backup-id", BIG_ID);
    assertThat(proxy.injected(Kind.COMPLETE_UPLOAD, Fault.DROP_MID_RESPONSE)).isEqualTo(1);
    assertThat(backup.exitCode()).as(backup.stderr()).isZero();
    assertThat(restoredBlob()).isEqualTo(blob);
  }

  @Test
  void anUploadPartAnswerCutInsideItsHeadIsRetriedNotTakenWithoutItsETag() throws IOException {
    byte[] blob = bigVolume();
    proxy.next(Kind.UPLOAD_PART, Fault.DROP_MID_RESPONSE, 1); // UploadPart answers have no body: the head is cut
    AgentCli.Run backup = flaky.run("backup", "--volume", "memory-data=" + dir.resolve("big"), "--backup-id", BIG_ID);
    assertThat(proxy.injected(Kind.UPLOAD_PART, Fault.DROP_MID_RESPONSE)).isEqualTo(1);
    assertThat(backup.exitCode()).as(backup.stderr()).isZero();
    assertThat(restoredBlob()).isEqualTo(blob);
  }

  @Test
  void aCompleteWhoseAnswerWasLostAndWhoseRetryFindsNoUploadStillGivesTheBackup() throws IOException {
    byte[] blob = bigVolume();
    // The first complete takes effect but its answer is lost; the retry is told what stores that
    // forget completed uploads say.
    proxy.next(Kind.COMPLETE_UPLOAD, Fault.DROP_MID_RESPONSE, 1)
        .answerNext(Kind.COMPLETE_UPLOAD, "404 Not Found", "NoSuchUpload", 1);
    AgentCli.Run backup = flaky.run("backup", "--volume", "memory-data=" + dir.resolve("big"), "--backup-id", BIG_ID);
    assertThat(proxy.answered(Kind.COMPLETE_UPLOAD)).isEqualTo(1);
    assertThat(backup.exitCode()).as(backup.stderr()).isZero();
    assertThat(restoredBlob()).isEqualTo(blob);
  }

  @Test
  void aCompleteFindingNoUploadAndNoObjectFailsTheBackupWithOneLine() throws IOException {
    bigVolume();
    proxy.answerNext(Kind.COMPLETE_UPLOAD, "404 Not Found", "NoSuchUpload", 1);
    AgentCli.Run backup = flaky.run("backup", "--volume", "memory-data=" + dir.resolve("big"), "--backup-id", BIG_ID);
    assertThat(backup.exitCode()).isEqualTo(1);
    assertThat(backup.stderr().lines().toList()).singleElement().asString()
        .startsWith("lifeboat agent backup: S3 upload failed: ").contains("NoSuchUpload");
    AgentCli.Run list = agent.run("list");
    assertThat(ListedBackup.parseLog(list.stdout())).extracting(ListedBackup::id).containsExactly("20251109T020000Z");
  }

  /** A volume whose archive is a multipart upload (two 8 MiB parts); returns its one file's bytes. */
  private byte[] bigVolume() throws IOException {
    Path big = Files.createDirectories(dir.resolve("big"));
    byte[] random = new byte[12 * 1024 * 1024];
    new java.util.Random(12).nextBytes(random);
    Files.write(big.resolve("blob.bin"), random);
    return random;
  }

  private byte[] restoredBlob() throws IOException {
    Path target = Files.createDirectories(dir.resolve("target"));
    AgentCli.Run restore = agent.run("restore", "--backup", BIG_ID, "--target", target.toString());
    assertThat(restore.exitCode()).as(restore.stderr()).isZero();
    return Files.readAllBytes(target.resolve("blob.bin"));
  }
}
