package dev.lifeboat.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The agent's repository of policy rose/rose-memory under prefix "prod" on a real S3 server, with
 * the agent pointed at it and direct access to its objects: what a test needs to write backups
 * with the agent and then read, alter or remove what is stored, as someone with write access to
 * the bucket could.
 */
public final class TestRepository implements AutoCloseable {
  /** Where the policy's backups are: {@code <prefix>/<namespace>/<policy>/}. */
  public static final String POLICY = "prod/rose/rose-memory/";

  private final S3ProxyServer s3;
  private final AgentCli agent;

  private TestRepository(S3ProxyServer s3) {
    this.s3 = s3;
    this.agent = new AgentCli(s3, "prod");
  }

  /** Starts an S3 server storing into {@code dir}. */
  public static TestRepository start(Path dir) {
    return new TestRepository(S3ProxyServer.start(dir));
  }

  public S3ProxyServer s3() {
    return s3;
  }

  public AgentCli agent() {
    return agent;
  }

  /** The key of an object of a backup, e.g. key(id, "manifest.json"). */
  public static String key(String backupId, String object) {
    return POLICY + backupId + "/" + object;
  }

  /** {@code agent backup} of one volume as claim memory-data; fails the test unless it succeeds. */
  public AgentCli.Run backup(Path volume, String id, String... more) {
    List<String> args = new ArrayList<>(List.of("--volume", "memory-data=" + volume, "--backup-id", id));
    args.addAll(List.of(more));
    AgentCli.Run run = agent.run("backup", args.toArray(String[]::new));
    assertThat(run.exitCode()).as("backup %s: %s", id, run.stderr()).isZero();
    return run;
  }

  public byte[] bytes(String key) {
    try (S3Client client = s3.client()) {
      return client.getObjectAsBytes(GetObjectRequest.builder().bucket(S3ProxyServer.BUCKET).key(key).build())
          .asByteArray();
    }
  }

  public String read(String key) {
    return new String(bytes(key), StandardCharsets.UTF_8);
  }

  public void write(String key, byte[] content) {
    try (S3Client client = s3.client()) {
      client.putObject(PutObjectRequest.builder().bucket(S3ProxyServer.BUCKET).key(key).build(),
          RequestBody.fromBytes(content));
    }
  }

  public void write(String key, String content) {
    write(key, content.getBytes(StandardCharsets.UTF_8));
  }

  public void delete(String key) {
    try (S3Client client = s3.client()) {
      client.deleteObject(DeleteObjectRequest.builder().bucket(S3ProxyServer.BUCKET).key(key).build());
    }
  }

  /** Every key under {@code prefix}, sorted. */
  public List<String> keys(String prefix) {
    try (S3Client client = s3.client()) {
      return client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(S3ProxyServer.BUCKET).prefix(prefix)
          .build()).contents().stream().map(S3Object::key).sorted().toList();
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
