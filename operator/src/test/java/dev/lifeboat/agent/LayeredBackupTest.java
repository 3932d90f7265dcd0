package dev.lifeboat.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.agent.archive.Trees;
import dev.lifeboat.agent.ops.RetentionOperation;
import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.s3.S3Store;
import dev.lifeboat.retention.RetentionRules;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.ProjectFiles;
import dev.lifeboat.testing.RawTar;
import dev.lifeboat.testing.SqliteFiles;
import dev.lifeboat.testing.TestRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Daily backups of mostly unchanged data, end to end against a real S3 server: an unchanged volume
 * stores no new archive, a changed one only its changed files as a layer over the earlier archives,
 * and every such backup restores to exactly the volume it was taken of, with the agent and by hand.
 */
class LayeredBackupTest {
  static final String A = "20251107T020000Z";
  static final String B = "20251108T020000Z";
  static final String C = "20251109T020000Z";

  @TempDir
  Path dir;
  TestRepository repository;
  AgentCli agent;
  Path volume;

  @BeforeEach
  void setUp() throws IOException {
    repository = TestRepository.start(dir.resolve("s3"));
    agent = repository.agent();
    volume = Files.createDirectories(dir.resolve("volume"));
    Trees.sampleVolume(volume);
    byte[] random = new byte[3 * 1024 * 1024];
    new SecureRandom().nextBytes(random);
    Files.write(volume.resolve("data/blob.bin"), random);
    settle();
  }

  /**
   * Past the window in which a file's times cannot be trusted yet: a file changed less than 50 ms
   * before a backup read it is read again by the next one, whatever its times say.
   */
  private static void settle() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterEach
  void tearDown() {
    repository.close();
  }

  @Test
  void anUnchangedVolumeStoresNoNewArchiveAndStillRestoresWhole() throws IOException {
    repository.backup(volume, A);
    var before = Trees.snapshot(volume);

    AgentCli.Run second = repository.backup(volume, B);

    assertThat(objects(B)).containsExactly("manifest.json", "memory-data.files.json");
    JsonNode manifest = manifest(B);
    assertThat(manifest.get("formatVersion").asInt()).isEqualTo(3);
    JsonNode layers = manifest.at("/volumes/0/layers");
    assertThat(layers).hasSize(1);
    assertThat(layers.get(0).get("backup").asText()).isEqualTo(A);
    assertThat(layers.get(0).get("object").asText()).isEqualTo("memory-data.tar.zst");
    assertThat(manifest.get("bytes").asLong()).isEqualTo(manifest(A).get("bytes").asLong());
    assertThat(manifest.get("suspicious").asBoolean()).as("a backup holding all the data is not suspiciously small").isFalse();
    assertThat(second.stdout()).containsPattern("stored \\(\\d+ B new\\)|\\(\\d+(\\.\\d+)? KiB new\\)");
    assertThat(Trees.snapshot(restore(B))).isEqualTo(before);
  }

  @Test
  void aChangedVolumeStoresOnlyItsChangedFilesAndRestoresExactlyAsItWas() throws IOException {
    repository.backup(volume, A);
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 2}\n");
    Files.writeString(volume.resolve("data/new.json"), "{\"new\": true}\n");
    Files.delete(volume.resolve("empty.txt"));
    Files.delete(volume.resolve("current"));
    Files.createSymbolicLink(volume.resolve("current"), Path.of("data/new.json"));
    var changed = Trees.snapshot(volume);

    repository.backup(volume, B);

    List<String> layer = Trees.entryNames(zstdDecompress(repository.bytes(TestRepository.key(B, "memory-data.tar.zst"))));
    assertThat(layer.stream().filter(n -> !n.endsWith("/") && !n.equals("current") && !n.equals("data/dangling")))
        .as("the new layer holds the changed and new files only")
        .containsExactlyInAnyOrder("data/new.json", "data/x.json");
    JsonNode layers = manifest(B).at("/volumes/0/layers");
    assertThat(layers).hasSize(2);
    assertThat(layers.get(0).get("backup").asText()).isEqualTo(A);
    assertThat(layers.get(1).get("backup").asText()).isEqualTo(B);
    assertThat(Trees.snapshot(restore(B))).isEqualTo(changed);
    assertThat(Trees.snapshot(restore(A))).as("the earlier backup is untouched").containsKey("empty.txt");
  }

  @Test
  void aPathRestoredFromALayeredBackupTakesEachFileFromItsLayer() throws IOException {
    repository.backup(volume, A);
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 12}\n");
    repository.backup(volume, B);
    Path target = restore(A);
    Files.writeString(target.resolve("data/stale.json"), "gone after the restore");

    AgentCli.Run run = agent.run("restore", "--backup", B, "--target", target.toString(), "--path", "data");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(Files.readString(target.resolve("data/x.json"))).isEqualTo("{\"x\": 12}\n"); // from B's layer
    assertThat(target.resolve("data/blob.bin")).hasSameBinaryContentAs(volume.resolve("data/blob.bin")); // from A's
    assertThat(target.resolve("data/stale.json")).doesNotExist();
    assertThat(Trees.snapshot(target)).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void aFileWhoseTimeWasSetBackIsStillReadAgain() throws IOException {
    repository.backup(volume, A);
    Path file = volume.resolve("data/x.json");
    FileTime mtime = Files.getLastModifiedTime(file);
    Files.writeString(file, "{\"x\": 9}\n"); // same size
    Files.setLastModifiedTime(file, mtime); // as an unpacked archive or `touch -d` would leave it

    repository.backup(volume, B);

    assertThat(Files.readString(restore(B).resolve("data/x.json"))).isEqualTo("{\"x\": 9}\n");
  }

  @Test
  void aDatabaseWrittenThroughItsWriteAheadLogIsCapturedAgainThoughItsFileLooksUnchanged() throws Exception {
    Path db = volume.resolve("app.db");
    SqliteFiles.create(db, 100);
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement sql = app.createStatement()) {
      sql.execute("PRAGMA journal_mode=WAL"); // persistent: written into app.db's header now, before A
    }
    settle();
    repository.backup(volume, A);
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement sql = app.createStatement()) {
      sql.execute("PRAGMA wal_autocheckpoint=0"); // the commits stay in app.db-wal; app.db's times do not move
      sql.execute("INSERT INTO notes SELECT id + 100, text FROM notes");
      String live = SqliteFiles.content(db);
      settle();

      repository.backup(volume, B);

      assertThat(SqliteFiles.content(restore(B).resolve("app.db"))).isEqualTo(live).contains("200 rows");
    }
  }

  @Test
  void retentionKeepsAnArchiveForAsLongAsAKeptBackupRefersToIt() throws IOException {
    repository.backup(volume, A);
    repository.backup(volume, B, "--retention", "keepLast=1");

    assertThat(repository.keys(TestRepository.POLICY + A + "/"))
        .as("A's manifest and file list are gone, its archive stays: B refers to it")
        .containsExactly(TestRepository.key(A, "memory-data.tar.zst"));
    AgentCli.Run list = agent.run("list");
    assertThat(list.stderr()).as("a folder whose archive a backup refers to is no incomplete backup").doesNotContain(A);
    assertThat(Trees.snapshot(restore(B))).isEqualTo(Trees.snapshot(volume));

    // Every file rewritten: C holds nothing of A, and once B goes A's archive goes too.
    try (var files = Files.walk(volume)) {
      for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
        Files.write(file, Files.readAllBytes(file));
      }
    }
    repository.backup(volume, C, "--retention", "keepLast=1");

    assertThat(repository.keys(TestRepository.POLICY)).noneMatch(k -> k.contains(A) || k.contains(B));
    assertThat(manifest(C).get("formatVersion").asInt()).as("a backup that shares nothing is written as ever").isEqualTo(1);
    assertThat(Trees.snapshot(restore(C))).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void aVolumeEmptiedButForOneFileIsSuspiciousThoughItsOldArchiveIsStillShared() throws IOException {
    repository.backup(volume, A, "--min-size", "0");
    try (var files = Files.walk(volume)) {
      for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
        if (!file.endsWith("empty.txt")) {
          Files.delete(file);
        }
      }
    }

    repository.backup(volume, B, "--retention", "keepLast=1", "--min-size", "0");

    JsonNode manifest = manifest(B);
    assertThat(manifest.at("/volumes/0/layers/0/backup").asText()).as("A's archive still holds empty.txt").isEqualTo(A);
    assertThat(manifest.get("suspicious").asBoolean()).isTrue();
    assertThat(manifest.get("suspiciousReason").asText()).contains("under 10% of backup " + A);
    assertThat(repository.keys(TestRepository.POLICY + A + "/")).as("nothing pruned after a suspicious backup")
        .contains(TestRepository.key(A, "manifest.json"));
  }

  @Test
  void retentionKeepsWhatABackupWrittenAfterItsListingRefersTo() throws IOException {
    repository.backup(volume, A);
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 10}\n");
    repository.backup(volume, B); // refers to A's archive
    repository.backup(volume, C, "--max-layers", "1"); // shares nothing
    try (S3Store store = repository.s3().store("prod")) {
      BackupRepository backups = new BackupRepository(store, "rose", "rose-memory");
      // A pass that listed the repository before B was written: it knows A and C only.
      List<Manifest> listedBeforeB = List.of(backups.manifest(C).orElseThrow(), backups.manifest(A).orElseThrow());

      new RetentionOperation(backups, Clock.systemUTC()).apply(RetentionRules.parse("keepLast=1", List.of()), false,
          listedBeforeB, List.of());
    }

    assertThat(repository.keys(TestRepository.POLICY + A + "/")).containsExactly(TestRepository.key(A, "memory-data.tar.zst"));
    assertThat(Trees.snapshot(restore(B))).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void encryptedLayersEachDecryptWithTheirOwnBackupsBinding() throws IOException {
    Path key = dir.resolve("key");
    Files.write(key, new SecureRandom().generateSeed(32));
    repository.backup(volume, A, "--encryption-key-file", key.toString());
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 3}\n");
    repository.backup(volume, B, "--encryption-key-file", key.toString());

    assertThat(manifest(B).at("/volumes/0/layers")).hasSize(2);
    assertThat(Trees.snapshot(restore(B, "--encryption-key-file", key.toString()))).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void maxLayersBoundsTheChainWithAFreshFullArchive() throws IOException {
    repository.backup(volume, A, "--max-layers", "2");
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 4}\n");
    repository.backup(volume, B, "--max-layers", "2");
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 5}\n");
    repository.backup(volume, C, "--max-layers", "2");

    assertThat(manifest(B).at("/volumes/0/layers")).hasSize(2);
    assertThat(manifest(C).at("/volumes/0/layers").isMissingNode()).as("C is a full archive again").isTrue();
    assertThat(manifest(C).at("/volumes/0/object").asText()).isEqualTo("memory-data.tar.zst");
  }

  @Test
  void aMissingEarlierArchiveMakesTheNextBackupFullAndSaysSo() throws IOException {
    repository.backup(volume, A);
    repository.delete(TestRepository.key(A, "memory-data.tar.zst"));

    repository.backup(volume, B);

    JsonNode manifest = manifest(B);
    assertThat(manifest.at("/volumes/0/object").asText()).isEqualTo("memory-data.tar.zst");
    assertThat(manifest.get("warnings").toString())
        .contains(TestRepository.key(A, "memory-data.tar.zst") + ", which backup " + A + " refers to, is missing");
    assertThat(Trees.snapshot(restore(B))).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void verifyReadsEveryLayerAndNamesADamagedEarlierOne() throws IOException {
    repository.backup(volume, A, "--compression", "none");
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 6}\n");
    repository.backup(volume, B, "--compression", "none");
    assertThat(agent.run("verify", "--backup", B).exitCode()).isZero();

    String earlier = TestRepository.key(A, "memory-data.tar");
    byte[] bytes = repository.bytes(earlier);
    int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("to the moon");
    bytes[at] = 'T';
    repository.write(earlier, bytes);

    AgentCli.Run verify = agent.run("verify", "--backup", B);
    assertThat(verify.exitCode()).isEqualTo(4);
    assertThat(verify.stderr()).contains(earlier + ": checksum mismatch for emoji-🚀.txt");
  }

  @Test
  void aFileMissingFromAnEarlierLayerIsNamedWithThatLayersObject() throws IOException {
    repository.backup(volume, A);
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 11}\n");
    repository.backup(volume, B);
    // A's archive swapped for one without data/blob.bin, and B's manifest made to match it.
    byte[] forged = Forger.zstd(RawTar.tar(RawTar.Entry.file("empty.txt", "")));
    repository.write(TestRepository.key(A, "memory-data.tar.zst"), forged);
    String key = TestRepository.key(B, "manifest.json");
    ObjectNode manifest = (ObjectNode) new ObjectMapper().readTree(repository.bytes(key));
    ((ObjectNode) manifest.at("/volumes/0/layers/0")).put("size", forged.length).put("sha256", Forger.sha256(forged));
    repository.write(key, new ObjectMapper().writeValueAsBytes(manifest));

    AgentCli.Run verify = agent.run("verify", "--backup", B);

    assertThat(verify.exitCode()).isEqualTo(4);
    assertThat(verify.stderr()).contains(TestRepository.key(A, "memory-data.tar.zst") + ": data/blob.bin: missing from archive");
  }

  @ParameterizedTest
  @ValueSource(strings = {"zstd", "gzip", "none"})
  void gnuTarAndJqRestoreALayeredBackupByHandAsTheDocsSay(String compression) throws Exception {
    for (String tool : List.of("zstd", "gzip", "jq", "tar")) {
      assumeTrue(new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0, tool + " is not on the PATH");
    }
    repository.backup(volume, A, "--compression", compression);
    Files.writeString(volume.resolve("data/x.json"), "{\"x\": 7}\n");
    Files.delete(volume.resolve("empty.txt"));
    settle();
    repository.backup(volume, B, "--compression", compression);
    Files.writeString(volume.resolve("emoji-🚀.txt"), "and back\n");
    repository.backup(volume, C, "--compression", compression);
    assertThat(manifest(C).at("/volumes/0/layers")).hasSize(3);

    // The bucket as `aws s3 cp` would read it: the same bytes, from a copy on disk.
    Path mirror = dir.resolve("bucket");
    for (String key : repository.keys(TestRepository.POLICY)) {
      Files.createDirectories(mirror.resolve(key).getParent());
      Files.write(mirror.resolve(key), repository.bytes(key));
    }
    Path target = Files.createDirectories(dir.resolve("by-hand"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(work.resolve("restore-volume.sh"), documentedScript());
    String script = "aws() { cat \"" + mirror + "/${3#s3://bucket/}\"; }; export -f aws; "
        + "bash restore-volume.sh s3://bucket/" + TestRepository.POLICY.replaceAll("/$", "") + " " + C + " memory-data '"
        + target + "'";
    Process process = new ProcessBuilder("bash", "-c", script).directory(work.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();

    // GNU tar restores owners only as root, as the agent does.
    assertThat(Trees.snapshot(target)).isEqualTo(Trees.snapshot(volume));
  }

  /** The by-hand restore of one volume in docs/repository-format.md, as printed there. */
  private static String documentedScript() throws IOException {
    String doc = Files.readString(ProjectFiles.root().resolve("docs/repository-format.md"));
    Matcher block = Pattern.compile("<!-- restore a volume by hand -->\\s*```sh\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(block.find()).as("docs/repository-format.md shows the by-hand restore").isTrue();
    return block.group(1);
  }

  private Path restore(String id, String... more) {
    Path target = dir.resolve("restored-" + id + "-" + System.nanoTime());
    List<String> args = new ArrayList<>(List.of("--backup", id, "--target", target.toString()));
    args.addAll(List.of(more));
    AgentCli.Run run = agent.run("restore", args.toArray(String[]::new));
    assertThat(run.exitCode()).as("restore %s: %s", id, run.stderr()).isZero();
    return target;
  }

  private JsonNode manifest(String id) throws IOException {
    return new ObjectMapper().readTree(repository.read(TestRepository.key(id, "manifest.json")));
  }

  /** Object names in backup {@code id}'s folder. */
  private List<String> objects(String id) {
    String folder = TestRepository.POLICY + id + "/";
    return repository.keys(folder).stream().map(k -> k.substring(folder.length())).toList();
  }

  private static byte[] zstdDecompress(byte[] compressed) throws IOException {
    try (var in = dev.lifeboat.agent.archive.Codec.zstd.decompress(new java.io.ByteArrayInputStream(compressed))) {
      return in.readAllBytes();
    }
  }
}
