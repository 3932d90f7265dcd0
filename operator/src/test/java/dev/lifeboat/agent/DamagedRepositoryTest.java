package dev.lifeboat.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** What readers do with a repository someone else damaged, or a newer Lifeboat wrote. */
class DamagedRepositoryTest {
  static final String POLICY = "prod/rose/rose-memory/";

  @TempDir
  Path dir;
  S3ProxyServer s3;
  AgentCli agent;
  Path volume;

  @BeforeEach
  void setUp() throws IOException {
    s3 = S3ProxyServer.start(dir.resolve("s3"));
    agent = new AgentCli(s3, "prod");
    volume = Files.createDirectories(dir.resolve("volume"));
    Files.writeString(volume.resolve("state.json"), "{\"mood\":\"calm\"}");
  }

  @AfterEach
  void tearDown() {
    s3.close();
  }

  void backup(String id, String... more) {
    String[] args = java.util.stream.Stream.concat(
        java.util.stream.Stream.of("--volume", "memory-data=" + volume, "--backup-id", id),
        java.util.stream.Stream.of(more)).toArray(String[]::new);
    AgentCli.Run run = agent.run("backup", args);
    assertThat(run.exitCode()).as("backup %s: %s", id, run.stderr()).isZero();
  }

  String read(String key) {
    try (var client = s3.client()) {
      return client.getObjectAsBytes(GetObjectRequest.builder().bucket(S3ProxyServer.BUCKET).key(key).build())
          .asUtf8String();
    }
  }

  void write(String key, String content) {
    try (var client = s3.client()) {
      client.putObject(PutObjectRequest.builder().bucket(S3ProxyServer.BUCKET).key(key).build(),
          RequestBody.fromString(content));
    }
  }

  AgentCli.Run restore(String backup) throws IOException {
    Path target = Files.createDirectories(dir.resolve("restored-" + System.nanoTime()));
    return agent.run("restore", "--backup", backup, "--target", target.toString());
  }

  @Test
  void aManifestOfAnUnknownFormatVersionIsRefusedByRestoreVerifyAndNamed() throws IOException {
    backup("20251109T020000Z");
    String key = POLICY + "20251109T020000Z/manifest.json";
    write(key, read(key).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));

    for (AgentCli.Run run : new AgentCli.Run[] {restore("20251109T020000Z"), restore("latest"),
        agent.run("verify", "--backup", "20251109T020000Z")}) {
      assertThat(run.exitCode()).isNotZero();
      assertThat(run.stderr()).contains(key + " has formatVersion 99; this agent reads 1: upgrade Lifeboat");
    }
  }

  @Test
  void aCorruptManifestIsNamedAndSkippedAndBlocksNoOtherBackupNorRetention() throws IOException {
    backup("20251101T020000Z");
    backup("20251102T020000Z");
    backup("20251103T020000Z");
    String key = POLICY + "20251102T020000Z/manifest.json";
    write(key, read(key).substring(0, 40));

    AgentCli.Run list = agent.run("list");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    assertThat(list.stderr()).contains("damaged backup 20251102T020000Z skipped: " + key + " is not valid JSON");
    assertThat(ListedBackup.parseLog(list.stderr() + list.stdout()))
        .as("the operator reads the same log: the array is still there, without the damaged backup")
        .extracting(ListedBackup::id).containsExactly("20251103T020000Z", "20251101T020000Z");

    assertThat(restore("20251101T020000Z").exitCode()).isZero();
    assertThat(agent.run("verify", "--backup", "latest").exitCode()).isZero();
    AgentCli.Run named = restore("20251102T020000Z");
    assertThat(named.exitCode()).isNotZero();
    assertThat(named.stderr()).contains("backup 20251102T020000Z is damaged: " + key + " is not valid JSON");

    Path log = dir.resolve("termination-log");
    backup("20251104T020000Z", "--retention", "keepLast=1", "--min-size", "0", "--termination-log", log.toString());
    AgentResult result = AgentResult.parse(Files.readString(log));
    assertThat(result.retention().damaged()).containsExactly("20251102T020000Z");
    assertThat(result.retention().prunedIds()).as(result.toJson()).containsExactlyInAnyOrder("20251101T020000Z", "20251103T020000Z");
    assertThat(result.message()).contains("1 damaged backup(s) kept, not counted by retention: " + key);
    assertThat(read(key)).as("retention never deletes a damaged backup").hasSize(40);

    AgentCli.Run prune = agent.run("prune", "--retention", "keepLast=1");
    assertThat(prune.exitCode()).as(prune.stderr()).isZero();
    assertThat(prune.stdout()).contains("damaged backup(s) kept");
  }

  @Test
  void aManifestWithoutVolumesIsDamagedNotANullPointer() throws IOException {
    backup("20251101T020000Z");
    backup("20251102T020000Z");
    String key = POLICY + "20251102T020000Z/manifest.json";
    write(key, read(key).replaceAll("(?s)\"volumes\" : \\[.*?\\],", ""));

    AgentCli.Run list = agent.run("list");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    assertThat(list.stderr()).contains(key + " lacks its volumes");
    AgentCli.Run named = restore("20251102T020000Z");
    assertThat(named.exitCode()).isNotZero();
    assertThat(named.stderr()).contains(key + " lacks its volumes").doesNotContain("NullPointer");
    AgentCli.Run latest = restore("latest");
    assertThat(latest.exitCode()).as(latest.stderr()).isZero();
    assertThat(latest.stderr()).contains("warning: skipped damaged backup 20251102T020000Z");
  }

  @Test
  void anAlteredFileListFailsRestoreAndVerifyBeforeAnyFileLandsInTheTarget() throws IOException {
    backup("20251101T020000Z");
    String key = POLICY + "20251101T020000Z/memory-data.files.json";
    write(key, read(key).replaceFirst("\"sha256\" : \"[0-9a-f]{4}", "\"sha256\" : \"0000"));
    Path target = Files.createDirectories(dir.resolve("target"));
    Files.writeString(target.resolve("precious.txt"), "still here");

    AgentCli.Run restore = agent.run("restore", "--backup", "latest", "--target", target.toString());
    assertThat(restore.exitCode()).isNotZero();
    assertThat(restore.stderr()).contains(key + " does not match its manifest");
    assertThat(target.resolve("state.json")).doesNotExist();
    assertThat(target.resolve("precious.txt")).as("Replace did not empty the target first").exists();

    AgentCli.Run verify = agent.run("verify", "--backup", "latest");
    assertThat(verify.exitCode()).isNotZero();
    assertThat(verify.stderr()).contains(key + " does not match its manifest");
  }

  @Test
  void aManifestNamingAnUnknownCompressionIsDamagedAndSaysWhichAreKnown() throws IOException {
    backup("20251101T020000Z");
    String key = POLICY + "20251101T020000Z/manifest.json";
    write(key, read(key).replace("\"compression\" : \"zstd\"", "\"compression\" : \"lz4\""));

    AgentCli.Run restore = restore("20251101T020000Z");
    assertThat(restore.exitCode()).isNotZero();
    assertThat(restore.stderr()).contains(key + " lacks a compression this agent knows: it names lz4,"
        + " this agent reads zstd, gzip, none").doesNotContain("No enum constant");
  }
}
