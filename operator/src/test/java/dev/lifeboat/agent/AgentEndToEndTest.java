package dev.lifeboat.agent;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.testing.SqliteFiles;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.S3ProxyServer;
import dev.lifeboat.testing.TestRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's command line end to end against a real S3 server (S3Proxy, signatures checked). */
class AgentEndToEndTest {
  @TempDir
  Path dir;
  TestRepository repository;
  S3ProxyServer s3;
  AgentCli agent;
  Path volume;

  @BeforeEach
  void setUp() throws IOException {
    repository = TestRepository.start(dir.resolve("s3"));
    s3 = repository.s3();
    agent = repository.agent();
    volume = Files.createDirectories(dir.resolve("volume"));
    SqliteFiles.create(volume.resolve("memory.db"), 1500);
    Files.createDirectories(volume.resolve("data/nested"));
    Files.writeString(volume.resolve("data/nested/state.json"), "{\"mood\":\"calm\"}");
    Files.createDirectories(volume.resolve("empty-dir"));
    Files.createFile(volume.resolve("data/empty.txt"));
    Files.createSymbolicLink(volume.resolve("current"), Path.of("data/nested/state.json"));
    Files.setPosixFilePermissions(volume.resolve("memory.db"), PosixFilePermissions.fromString("rw-------"));
    Files.setLastModifiedTime(volume.resolve("data/nested/state.json"), FileTime.from(Instant.parse("2024-02-29T12:00:00Z")));
    byte[] random = new byte[12 * 1024 * 1024]; // spans two 8 MiB parts
    new SecureRandom().nextBytes(random);
    Files.write(volume.resolve("data/blob.bin"), random);
  }

  @AfterEach
  void tearDown() {
    repository.close();
  }

  AgentCli.Run backup(String id, String... more) {
    List<String> args = new ArrayList<>(List.of("--volume", "memory-data=" + volume, "--backup-id", id));
    args.addAll(List.of(more));
    AgentCli.Run run = agent.run("backup", args.toArray(String[]::new));
    assertThat(run.exitCode()).as("backup %s: %s", id, run.stderr()).isZero();
    return run;
  }

  Path restore(String... args) {
    Path target = dir.resolve("restored-" + System.nanoTime());
    try {
      Files.createDirectories(target);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> all = new ArrayList<>(List.of("--target", target.toString()));
    all.addAll(List.of(args));
    AgentCli.Run run = agent.run("restore", all.toArray(String[]::new));
    assertThat(run.exitCode()).as("restore: %s", run.stderr()).isZero();
    return target;
  }

  JsonNode list() throws IOException {
    AgentCli.Run run = agent.run("list");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    return new ObjectMapper().readTree(run.stdout());
  }

  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          files.put(rel, "link->" + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          files.put(rel + "/", "dir");
        } else {
          // A database is backed up as a consistent copy: the same rows, not the same header bytes.
          String content = SqliteFiles.isDatabase(p) ? SqliteFiles.content(p)
              : Files.size(p) + ":" + Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(p)));
          files.put(rel, content + ":" + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
              + ":" + Files.getLastModifiedTime(p).toMillis() / 1000);
        }
      }
    }
    return files;
  }

  @Test
  void backupThenRestoreGivesTheSameTree() throws IOException {
    AgentCli.Run run = backup("20251109T020000Z", "--termination-log", dir.resolve("termination-log").toString());
    assertThat(run.stdout()).contains("backed up");

    Path restored = restore("--backup", "latest");
    assertThat(tree(restored)).isEqualTo(tree(volume));

    AgentResult result = AgentResult.parse(Files.readString(dir.resolve("termination-log")));
    assertThat(result.phase()).isEqualTo(BackupPhase.Succeeded);
    assertThat(result.id()).isEqualTo("20251109T020000Z");
    assertThat(result.files()).isEqualTo(4);
    assertThat(result.checksum()).startsWith("sha256:");
  }

  @Test
  void theArchiveInTheBucketRestoresByHandWithZstdAndGnuTar() throws Exception {
    assumeThat(onPath("zstd") && onPath("tar")).as("zstd and GNU tar are needed for this check").isTrue();
    backup("20251109T020000Z");
    Path archive = dir.resolve("memory-data.tar.zst");
    Files.write(archive, repository.bytes("prod/rose/rose-memory/20251109T020000Z/memory-data.tar.zst"));
    Path byHand = Files.createDirectories(dir.resolve("by-hand"));
    Process tar = new ProcessBuilder("bash", "-c", "zstd -d -c '" + archive + "' | tar -x -C '" + byHand + "'")
        .redirectErrorStream(true).start();
    assertThat(tar.waitFor()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    assertThat(tree(byHand)).isEqualTo(tree(volume));
  }

  @Test
  void aPlaceholderKeyIsRefusedForANewBackupNamingItsSecretAndNeverShowingIt() throws IOException {
    String placeholder = "REPLACE_WITH_THE_OUTPUT_OF_openssl_rand_base64_48";
    Path key = Files.writeString(dir.resolve("key"), placeholder + "\n");
    Path terminationLog = dir.resolve("termination-log");
    AgentCli.Run run = agent.run("backup", "--volume", "memory-data=" + volume, "--backup-id", "20251109T020000Z",
        "--encryption-key-file", key.toString(), "--encryption-key-secret", "backup-key/key",
        "--termination-log", terminationLog.toString());
    assertThat(run.exitCode()).isNotZero();
    String refusal = "key \"key\" of Secret \"backup-key\" (spec.encryption.keySecretRef) is not an encryption key:"
        + " it holds the placeholder text REPLACE; make one with: openssl rand -base64 48";
    assertThat(run.stderr()).contains(refusal).doesNotContain(placeholder);
    AgentResult result = AgentResult.parse(Files.readString(terminationLog));
    assertThat(result.phase()).isEqualTo(BackupPhase.Failed);
    assertThat(result.message()).contains(refusal).doesNotContain(placeholder);
    assertThat(repository.keys("")).as("nothing written to the bucket").isEmpty();
  }

  @Test
  void encryptedBackupNeedsItsKeyAndATamperedArchiveFails() throws IOException {
    Path key = dir.resolve("key");
    Files.write(key, new SecureRandom().generateSeed(32));
    Path otherKey = dir.resolve("other-key");
    Files.write(otherKey, new SecureRandom().generateSeed(32));
    backup("20251109T020000Z", "--encryption-key-file", key.toString());

    assertThat(tree(restore("--backup", "latest", "--encryption-key-file", key.toString()))).isEqualTo(tree(volume));

    AgentCli.Run noKey = agent.run("restore", "--backup", "latest", "--target", dir.toString(),
        "--encryption-key-file", dir.resolve("missing").toString(), "--encryption-key-secret", "backup-key/key");
    assertThat(noKey.exitCode()).isNotZero();
    assertThat(noKey.stderr()).contains("encryption key missing: Secret \"backup-key\" does not exist or has no key \"key\"");

    AgentCli.Run wrongKey = agent.run("restore", "--backup", "latest", "--target", dir.toString(),
        "--encryption-key-file", otherKey.toString());
    assertThat(wrongKey.exitCode()).isNotZero();
    assertThat(wrongKey.stderr().strip()).contains("wrong key").doesNotContain("\n");

    String object = "prod/rose/rose-memory/20251109T020000Z/memory-data.tar.zst.enc";
    byte[] bytes = repository.bytes(object);
    bytes[bytes.length / 2] ^= 0x01;
    repository.write(object, bytes);
    AgentCli.Run tampered = agent.run("verify", "--backup", "latest", "--encryption-key-file", key.toString());
    assertThat(tampered.exitCode()).isNotZero();
    assertThat(tampered.stderr()).containsAnyOf("tampered", "does not match");
  }

  @Test
  void beforePicksTheNewestBackupAtOrBeforeTheTime() throws IOException {
    backup("20251107T020000Z");
    Files.writeString(volume.resolve("data/nested/state.json"), "{\"mood\":\"happy\"}");
    backup("20251108T020000Z");
    Files.writeString(volume.resolve("data/nested/state.json"), "{\"mood\":\"tired\"}");
    backup("20251109T020000Z");

    Path restored = restore("--before", "2025-11-08T14:00:00Z");
    assertThat(Files.readString(restored.resolve("data/nested/state.json"))).isEqualTo("{\"mood\":\"happy\"}");
    assertThat(Files.readString(restore("--backup", "20251107T020000Z").resolve("data/nested/state.json")))
        .isEqualTo("{\"mood\":\"calm\"}");
  }

  @Test
  void pathRestoresOnlyThosePathsAndMergeKeepsWhatReplaceRemoves() throws IOException {
    backup("20251109T020000Z");
    Path partial = restore("--backup", "latest", "--path", "data/nested");
    assertThat(partial.resolve("data/nested/state.json")).exists();
    assertThat(partial.resolve("memory.db")).doesNotExist();

    Path target = Files.createDirectories(dir.resolve("merge-target"));
    Files.writeString(target.resolve("unrelated.txt"), "keep me");
    assertThat(agent.run("restore", "--backup", "latest", "--target", target.toString(), "--mode", "Merge").exitCode()).isZero();
    assertThat(target.resolve("unrelated.txt")).exists();
    assertThat(target.resolve("memory.db")).exists();
    assertThat(agent.run("restore", "--backup", "latest", "--target", target.toString(), "--mode", "Replace").exitCode()).isZero();
    assertThat(target.resolve("unrelated.txt")).doesNotExist();
    assertThat(tree(target)).isEqualTo(tree(volume));
  }

  @Test
  void aPathNotInTheBackupFailsNamingItAndLeavesTheTargetAlone() throws IOException {
    backup("20251109T020000Z");
    Path target = Files.createDirectories(dir.resolve("typo-target"));
    Files.createDirectories(target.resolve("does/not/exist"));
    Files.writeString(target.resolve("does/not/exist/mine.txt"), "keep me");

    AgentCli.Run run = agent.run("restore", "--backup", "latest", "--target", target.toString(),
        "--path", "does/not/exist", "--path", "data/nested");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("--path does/not/exist: no such file or directory in the backup")
        .doesNotContain("data/nested");
    assertThat(target.resolve("does/not/exist/mine.txt")).as("Replace removed nothing it cannot restore").exists();
  }

  @Test
  void aTargetThatDoesNotExistIsCreated() throws IOException {
    backup("20251109T020000Z");
    Path target = dir.resolve("new/restore/here");
    AgentCli.Run run = agent.run("restore", "--backup", "latest", "--target", target.toString());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(tree(target)).isEqualTo(tree(volume));
  }

  @Test
  void retentionAfterEachBackupKeepsTheDailySetAndListShowsItNewestFirst() throws IOException {
    for (int day = 1; day <= 5; day++) {
      backup("202511%02dT020000Z".formatted(day), "--retention", "keepDaily=3");
    }
    JsonNode listing = list();
    assertThat(listing).extracting(n -> n.get("id").asText())
        .containsExactly("20251105T020000Z", "20251104T020000Z", "20251103T020000Z");
    assertThat(listing.get(0).get("volumes").get(0).asText()).isEqualTo("memory-data");
  }

  @Test
  void aSuspiciouslySmallNewestBackupPrunesNothing() throws IOException {
    backup("20251101T020000Z", "--retention", "keepLast=1");
    backup("20251102T020000Z", "--retention", "keepLast=1");
    try (Stream<Path> walk = Files.walk(volume)) { // an emptied volume: what an app bug or a wrong mount gives
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(volume)) {
          Files.delete(p);
        }
      }
    }
    AgentCli.Run emptied = backup("20251103T020000Z", "--retention", "keepLast=1", "--termination-log",
        dir.resolve("log").toString());
    assertThat(AgentResult.parse(Files.readString(dir.resolve("log"))).suspicious()).isTrue();
    assertThat(list()).extracting(n -> n.get("id").asText()).contains("20251102T020000Z", "20251103T020000Z");
    assertThat(emptied.stdout()).contains("SUSPICIOUS");
  }

  @Test
  void aBackupThatLeftADatabaseOutIsPartialAndNeverTakenForLatestNorCountedByRetention() throws IOException {
    backup("20251101T020000Z", "--retention", "keepLast=1");
    // A file with SQLite's header that SQLite cannot read: no consistent copy can be made of it.
    Files.writeString(volume.resolve("broken.db"), "SQLite format 3\0" + "x".repeat(5000));
    Path log = dir.resolve("partial-log");

    AgentCli.Run partial = agent.run("backup", "--volume", "memory-data=" + volume, "--backup-id", "20251102T020000Z",
        "--retention", "keepLast=1", "--termination-log", log.toString());

    assertThat(partial.exitCode()).as("exit code 3: stored, but data left out").isEqualTo(AgentResult.EXIT_PARTIAL);
    AgentResult result = AgentResult.parse(Files.readString(log));
    assertThat(result.phase()).isEqualTo(BackupPhase.PartiallyFailed);
    assertThat(result.omissions()).singleElement().asString()
        .startsWith("memory-data: broken.db: SQLite database could not be captured consistently");
    assertThat(result.message()).startsWith("PARTIAL: 1 left out: memory-data: broken.db")
        .contains("retention not applied");
    assertThat(list()).as("kept for inspection; the good backup not pruned by keepLast=1")
        .extracting(n -> n.get("id").asText() + ":" + n.path("partial").asBoolean())
        .containsExactly("20251102T020000Z:true", "20251101T020000Z:false");

    assertThat(restore("--backup", "latest").resolve("broken.db")).as("latest is the good backup").doesNotExist();
    assertThat(restore("--backup", "20251102T020000Z").resolve("data/nested/state.json")).as("by id it restores")
        .exists();

    Files.delete(volume.resolve("broken.db"));
    backup("20251103T020000Z", "--retention", "keepLast=1");
    assertThat(list()).extracting(n -> n.get("id").asText())
        .as("whole backups are counted by keepLast=1; the partial one, more than 7 days old by now, is pruned")
        .containsExactly("20251103T020000Z");
  }

  @Test
  void errorsExitNonZeroWithOneLineNamingTheCause() {
    AgentCli.Run unknownId = agent.run("restore", "--backup", "20990101T000000Z", "--target", dir.toString());
    assertThat(unknownId.exitCode()).isNotZero();
    assertThat(unknownId.stderr()).contains("no complete backup");

    backup("20251109T020000Z");
    AgentCli.Run missing = agent.run("restore", "--backup", "20990101T000000Z", "--target", dir.toString());
    assertThat(missing.stderr().strip()).contains("20990101T000000Z").doesNotContain("\n");

    AgentCli.Run bucket = agent.raw("list", "--repository", "s3://no-such-bucket", "--endpoint", s3.endpoint(),
        "--path-style", "--namespace", "rose", "--policy", "rose-memory");
    assertThat(bucket.exitCode()).isNotZero();
    assertThat(bucket.stderr()).contains("no-such-bucket");
  }

  @Test
  void badCredentialsAreReportedWithoutPrintingThem() {
    String secret = "definitely-not-the-secret";
    AgentCli.Run run = agent.withSecretKey(secret, "list");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("access denied").doesNotContain(secret);
  }

  @Test
  void anUnreachableEndpointIsNamed() {
    s3.stop();
    AgentCli.Run run = agent.run("list");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("cannot reach").contains(s3.endpoint());
  }

  static boolean onPath(String tool) {
    return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }
}
