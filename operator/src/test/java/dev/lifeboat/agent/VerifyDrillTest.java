package dev.lifeboat.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.SqliteFiles;
import dev.lifeboat.testing.TestRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agent verify --restore-to}: the agent's half of a restore drill, against a real S3 server. */
class VerifyDrillTest {
  static final String PINS = "prod/rose/rose-memory/pins/";

  @TempDir
  Path dir;
  TestRepository repository;
  AgentCli agent;
  Path memory;
  Path logs;
  Path scratch;
  Path log;

  @BeforeEach
  void setUp() throws IOException {
    repository = TestRepository.start(dir.resolve("s3"));
    agent = repository.agent();
    memory = Files.createDirectories(dir.resolve("memory"));
    SqliteFiles.create(memory.resolve("memory.db"), 1500);
    Files.createDirectories(memory.resolve("data/nested"));
    Files.writeString(memory.resolve("data/nested/state.json"), "{\"mood\":\"calm\"}");
    Files.createSymbolicLink(memory.resolve("current"), Path.of("data/nested/state.json"));
    logs = Files.createDirectories(dir.resolve("logs"));
    Files.writeString(logs.resolve("app.log"), "started\n".repeat(100));
    scratch = Files.createDirectories(dir.resolve("scratch"));
    log = dir.resolve("termination-log");
  }

  @AfterEach
  void tearDown() {
    repository.close();
  }

  void backup(String id, String... more) {
    List<String> args = new ArrayList<>(List.of("--volume", "memory-data=" + memory, "--volume", "app-logs=" + logs,
        "--backup-id", id));
    args.addAll(List.of(more));
    AgentCli.Run run = agent.run("backup", args.toArray(String[]::new));
    assertThat(run.exitCode()).as("backup %s: %s", id, run.stderr()).isZero();
  }

  AgentCli.Run drill(String... more) throws IOException {
    Path into = Files.createDirectories(scratch.resolve("drill"));
    List<String> args = new ArrayList<>(List.of("--backup", "latest", "--restore-to", into.toString(),
        "--termination-log", log.toString()));
    args.addAll(List.of(more));
    return agent.run("verify", args.toArray(String[]::new));
  }

  AgentResult result() throws IOException {
    return AgentResult.parse(Files.readString(log));
  }

  List<String> pins() {
    return repository.keys(PINS);
  }

  @Test
  void aDrillRestoresEveryVolumeAsItWasAndSaysWhatItChecked() throws IOException {
    backup("20251109T020000Z");

    AgentCli.Run run = drill();

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(AgentEndToEndTest.tree(scratch.resolve("drill/memory-data"))).isEqualTo(AgentEndToEndTest.tree(memory));
    assertThat(AgentEndToEndTest.tree(scratch.resolve("drill/app-logs"))).isEqualTo(AgentEndToEndTest.tree(logs));
    AgentResult result = result();
    assertThat(result.command()).isEqualTo("verify");
    assertThat(result.phase()).isEqualTo(BackupPhase.Succeeded);
    assertThat(result.id()).as("the backup latest resolved to").isEqualTo("20251109T020000Z");
    assertThat(result.completionTime()).isNotBlank();
    assertThat(result.message()).isEqualTo("verified backup 20251109T020000Z: 2 volumes, 3 files, all checksums match;"
        + " restored to scratch; 1 SQLite database passes integrity_check");
    assertThat(run.stdout()).contains(result.message());
  }

  @Test
  void aDrillWritesNothingOutsideItsDirectoryAndLeavesNoPin() throws IOException {
    backup("20251109T020000Z");

    assertThat(drill().exitCode()).isZero();

    try (Stream<Path> scratchFiles = Files.list(scratch); Stream<Path> drillFiles = Files.list(scratch.resolve("drill"))) {
      assertThat(scratchFiles.map(p -> p.getFileName().toString())).containsExactly("drill");
      assertThat(drillFiles.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("memory-data", "app-logs");
    }
    assertThat(pins()).isEmpty();
  }

  @Test
  void aDatabaseDamagedBeforeTheBackupFailsTheDrillNamingItAndQuotingSqlite() throws IOException {
    damagePages(memory.resolve("memory.db"));
    // Plain bytes: the damage is in the source, so every checksum of the backup matches.
    backup("20251109T020000Z", "--sqlite", "off");
    assertThat(agent.run("verify", "--backup", "latest").exitCode()).as("checksums alone find nothing").isZero();

    AgentCli.Run run = drill();

    assertThat(run.exitCode()).isEqualTo(AgentResult.EXIT_PERMANENT);
    AgentResult result = result();
    assertThat(result.phase()).isEqualTo(BackupPhase.Failed);
    assertThat(result.id()).isEqualTo("20251109T020000Z");
    assertThat(result.message())
        .startsWith("backup 20251109T020000Z, volume memory-data: memory.db fails PRAGMA integrity_check: ")
        .contains("page 5 cell 7: Offset 4112 out of range")
        .doesNotContain("\n");
    assertThat(run.stderr()).contains(result.message());
    assertThat(pins()).as("the pin is removed on failure too").isEmpty();
  }

  @Test
  void aTamperedFileInTheArchiveFailsTheDrillNamingTheFileAndItsChecksum() throws IOException {
    backup("20251109T020000Z", "--compression", "none");
    String object = "prod/rose/rose-memory/20251109T020000Z/memory-data.tar";
    byte[] bytes = repository.bytes(object);
    int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("{\"mood\":\"calm\"}");
    assertThat(at).isPositive();
    bytes[at + 10] = 'k'; // "calm" becomes "kalm": same size, other content
    repository.write(object, bytes);

    AgentCli.Run run = drill();

    assertThat(run.exitCode()).isEqualTo(AgentResult.EXIT_PERMANENT);
    AgentResult result = result();
    assertThat(result.phase()).isEqualTo(BackupPhase.Failed);
    assertThat(result.id()).isEqualTo("20251109T020000Z");
    assertThat(result.message()).startsWith("backup 20251109T020000Z, volume memory-data: "
        + "prod/rose/rose-memory/20251109T020000Z/memory-data.tar: checksum mismatch for data/nested/state.json: "
        + "manifest says ");
    assertThat(pins()).isEmpty();
  }

  @Test
  void withoutRestoreToAVerifyWritesNothingAndStillReportsTheBackup() throws IOException {
    backup("20251109T020000Z");

    AgentCli.Run run = agent.run("verify", "--termination-log", log.toString());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(result().message())
        .isEqualTo("verified backup 20251109T020000Z: 2 volumes, 3 files, all checksums match");
    try (Stream<Path> files = Files.list(scratch)) {
      assertThat(files).isEmpty();
    }
    assertThat(pins()).isEmpty();
  }

  @Test
  void aBackupThatDoesNotExistFailsWithoutAnIdOrAPin() throws IOException {
    backup("20251109T020000Z");

    AgentCli.Run run = agent.run("verify", "--backup", "20990101T000000Z", "--termination-log", log.toString());

    assertThat(run.exitCode()).isEqualTo(AgentResult.EXIT_PERMANENT);
    assertThat(result().phase()).isEqualTo(BackupPhase.Failed);
    assertThat(result().message()).contains("20990101T000000Z");
    assertThat(pins()).isEmpty();
  }

  /** Points eight cells of a leaf page out of range: the header still says SQLite, the table is broken. */
  static void damagePages(Path database) throws IOException {
    byte[] bytes = Files.readAllBytes(database);
    int page5 = 4 * 4096;
    for (int i = page5 + 8; i < page5 + 24; i++) {
      bytes[i] = 0x10;
    }
    Files.write(database, bytes);
  }
}
