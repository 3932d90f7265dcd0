package dev.lifeboat.agent;

import static org.assertj.core.api.Assertions.assertThat;

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
}
