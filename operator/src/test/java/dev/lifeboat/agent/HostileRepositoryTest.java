package dev.lifeboat.agent;

import static dev.lifeboat.testing.TestRepository.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.RawTar.Entry;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.FileTrees;
import dev.lifeboat.testing.TestRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way we know a stored backup can be damaged or forged, each tried on backup B between two
 * good ones: B is named with the object at fault, refusing it writes nothing (in the target or
 * beside it), and every other backup, and the next one, stay usable.
 */
class HostileRepositoryTest {
  static final String A = "20251101T020000Z";
  static final String B = "20251102T020000Z";
  static final String C = "20251103T020000Z";
  static final String MANIFEST = key(B, "manifest.json");
  static final String ARCHIVE = key(B, "memory-data.tar.zst");
  static final String FILE_LIST = key(B, "memory-data.files.json");

  /** Who can tell B is damaged. */
  enum Seen {
    /** Its manifest cannot be used: list, restore, verify and retention all see it. */
    FROM_ITS_MANIFEST,
    /** It has no manifest: a leftover to list and retention, as an interrupted run leaves. */
    AS_A_LEFTOVER,
    /** Its manifest is fine: only reading its file list or archive (restore, verify) shows the damage. */
    WHEN_READ
  }

  interface Damage {
    void apply(TestRepository repository, Forger forger, Path outside);
  }

  /**
   * @param object the stored object every message must name
   * @param problem what the message says is wrong with it
   */
  record Case(String name, Seen seen, Damage damage, String object, String problem) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("a manifest of format version 99", Seen.FROM_ITS_MANIFEST,
            (repo, forger, outside) -> repo.write(MANIFEST, repo.read(MANIFEST).replace("\"formatVersion\" : 1",
                "\"formatVersion\" : 99")),
            MANIFEST, "has formatVersion 99; this agent reads 1 to 3: upgrade Lifeboat"),
        new Case("a manifest that is not JSON", Seen.FROM_ITS_MANIFEST,
            (repo, forger, outside) -> repo.write(MANIFEST, repo.read(MANIFEST).substring(0, 40)),
            MANIFEST, "is not valid JSON"),
        new Case("an empty manifest", Seen.FROM_ITS_MANIFEST,
            (repo, forger, outside) -> repo.write(MANIFEST, new byte[0]),
            MANIFEST, "is empty (0 bytes)"),
        new Case("a manifest without volumes", Seen.FROM_ITS_MANIFEST,
            (repo, forger, outside) -> repo.write(MANIFEST, repo.read(MANIFEST)
                .replaceAll("(?s)\"volumes\" : \\[.*?\\],", "")),
            MANIFEST, "lacks its volumes"),
        new Case("a manifest naming a compression this agent does not know", Seen.FROM_ITS_MANIFEST,
            (repo, forger, outside) -> repo.write(MANIFEST, repo.read(MANIFEST).replace("\"compression\" : \"zstd\"",
                "\"compression\" : \"lz4\"")),
            MANIFEST, "lacks a compression this agent knows: it names lz4, this agent reads zstd, gzip, none"),
        new Case("a missing manifest beside its archive", Seen.AS_A_LEFTOVER,
            (repo, forger, outside) -> repo.delete(MANIFEST),
            MANIFEST, "is missing"),
        new Case("a forged archive with a ../ entry", Seen.WHEN_READ,
            (repo, forger, outside) -> forger.replaceArchive(B, Entry.file("state.json", "{\"mood\":\"forged\"}"),
                Entry.file("../escaped.txt", "evil")),
            ARCHIVE, "unsafe archive entry '../escaped.txt'"),
        new Case("a forged archive with an absolute entry", Seen.WHEN_READ,
            (repo, forger, outside) -> forger.replaceArchive(B, Entry.file("state.json", "{\"mood\":\"forged\"}"),
                Entry.file(outside.resolve("escaped.txt").toString(), "evil")),
            ARCHIVE, "unsafe archive entry '/"),
        new Case("a forged archive writing through its own symlink", Seen.WHEN_READ,
            (repo, forger, outside) -> forger.replaceArchive(B, Entry.file("state.json", "{\"mood\":\"forged\"}"),
                Entry.symlink("door", outside.toString()), Entry.file("door/escaped.txt", "evil")),
            ARCHIVE, "unsafe archive entry 'door/escaped.txt'"),
        new Case("a forged archive hardlinking a file beside the target", Seen.WHEN_READ,
            (repo, forger, outside) -> forger.replaceArchive(B, Entry.file("state.json", "{\"mood\":\"forged\"}"),
                Entry.hardlink("escaped-link", "../outside/neighbour.txt")),
            ARCHIVE, "unsafe archive entry 'escaped-link'"),
        new Case("a truncated archive", Seen.WHEN_READ,
            (repo, forger, outside) -> repo.write(ARCHIVE, Arrays.copyOf(repo.bytes(ARCHIVE), repo.bytes(ARCHIVE).length / 2)),
            ARCHIVE, "damaged"),
        new Case("a missing archive", Seen.WHEN_READ,
            (repo, forger, outside) -> repo.delete(ARCHIVE),
            ARCHIVE, "is missing"),
        new Case("a file list that does not match fileListSha256", Seen.WHEN_READ,
            (repo, forger, outside) -> repo.write(FILE_LIST, repo.read(FILE_LIST)
                .replaceFirst("\"sha256\" : \"[0-9a-f]{4}", "\"sha256\" : \"0000")),
            FILE_LIST, "does not match its manifest"),
        new Case("a file list swapped together with fileListSha256", Seen.WHEN_READ,
            (repo, forger, outside) -> {
              repo.write(FILE_LIST, repo.read(FILE_LIST).replaceFirst("\"sha256\" : \"[0-9a-f]{4}", "\"sha256\" : \"0000"));
              forger.matchFileListSha(B);
            },
            ARCHIVE, "checksum mismatch for state.json"),
        new Case("a missing file list", Seen.WHEN_READ,
            (repo, forger, outside) -> repo.delete(FILE_LIST),
            FILE_LIST, "is missing"));
  }

  @TempDir
  Path dir;
  TestRepository repository;
  AgentCli agent;
  Path volume;
  Path outside;
  Path target;

  @BeforeEach
  void twoGoodBackups() throws IOException {
    repository = TestRepository.start(dir.resolve("s3"));
    agent = repository.agent();
    volume = Files.createDirectories(dir.resolve("volume"));
    outside = Files.createDirectories(dir.resolve("outside"));
    target = Files.createDirectories(dir.resolve("target"));
    Files.writeString(outside.resolve("neighbour.txt"), "not the restore's business");
    Files.writeString(target.resolve("state.json"), "{\"mood\":\"today\"}");
    Files.writeString(volume.resolve("state.json"), "{\"mood\":\"calm\"}");
    backup(A);
    Files.writeString(volume.resolve("state.json"), "{\"mood\":\"happy\"}");
    backup(B);
  }

  @AfterEach
  void tearDown() {
    repository.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theDamagedBackupIsNamedAndRefusedWithoutWritingAnything(Case damage) throws IOException {
    damage.damage().apply(repository, new Forger(repository), outside);
    // Everything on this machine the agent could reach, but the bucket's own files and a drill's scratch space.
    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    List<Path> notWatched = List.of(dir.resolve("s3"), scratch);
    Map<String, String> before = FileTrees.snapshot(dir, notWatched);

    AgentCli.Run list = agent.run("list");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    List<String> listed = ListedBackup.parseLog(list.stdout()).stream().map(ListedBackup::id).toList();
    if (damage.seen() == Seen.WHEN_READ) {
      assertThat(listed).as("list reads manifests only").containsExactly(B, A);
    } else {
      assertThat(listed).containsExactly(A);
      String skipped = (damage.seen() == Seen.AS_A_LEFTOVER ? "incomplete" : "damaged") + " backup " + B + " skipped: ";
      assertThat(list.stderr()).as("one line naming B and the object")
          .startsWith("lifeboat agent list: " + skipped + damage.object() + " " + damage.problem()).hasLineCount(1);
    }

    refused(agent.run("restore", "--backup", B, "--target", target.toString()), damage);
    assertThat(FileTrees.snapshot(dir, notWatched)).as("a Replace restore leaves the target as it was").isEqualTo(before);
    refused(agent.run("verify", "--backup", B), damage);
    refused(agent.run("verify", "--backup", B, "--restore-to", scratch.toString()), damage);
    assertThat(FileTrees.snapshot(dir, notWatched)).isEqualTo(before);

    // A Merge restore writes each file as it is read: what came before the refused entry is in the
    // target, but nothing ever lands beside it.
    List<Path> beside = List.of(dir.resolve("s3"), scratch, target);
    Map<String, String> besideBefore = FileTrees.snapshot(dir, beside);
    refused(agent.run("restore", "--backup", B, "--target", target.toString(), "--mode", "Merge"), damage);
    assertThat(FileTrees.snapshot(dir, beside)).isEqualTo(besideBefore);
    assertThat(FileTrees.snapshot(dir, List.of(dir.resolve("s3")))).as("nothing escaped")
        .allSatisfy((path, content) -> assertThat(path).doesNotContain("escaped"));
  }

  /** Refused for good (exit 4), in one line naming the backup, the object and what is wrong with it. */
  static void refused(AgentCli.Run run, Case damage) {
    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isEqualTo(AgentResult.EXIT_PERMANENT);
    assertThat(run.stderr().strip()).contains(B).contains(damage.object()).contains(damage.problem()).hasLineCount(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theOtherBackupsStayUsableAndTheDamagedOneIsNeverDeletedUnannounced(Case damage) throws IOException {
    damage.damage().apply(repository, new Forger(repository), outside);
    List<String> damagedObjects = repository.keys(TestRepository.POLICY + B + "/");

    assertThat(Files.readString(restored("--backup", A).resolve("state.json"))).isEqualTo("{\"mood\":\"calm\"}");
    AgentCli.Run verify = agent.run("verify", "--backup", A);
    assertThat(verify.exitCode()).as(verify.stderr()).isZero();
    Files.writeString(volume.resolve("state.json"), "{\"mood\":\"curious\"}");
    backup(C);
    assertThat(Files.readString(restored("--backup", "latest").resolve("state.json"))).isEqualTo("{\"mood\":\"curious\"}");

    AgentCli.Run prune = agent.run("prune", "--retention", "keepLast=1", "--termination-log",
        dir.resolve("prune-result").toString());
    assertThat(prune.exitCode()).as(prune.stderr()).isZero();
    AgentResult.Retention retention = AgentResult.parse(Files.readString(dir.resolve("prune-result"))).retention();
    switch (damage.seen()) {
      case FROM_ITS_MANIFEST -> {
        assertThat(retention.prunedIds()).containsExactly(A);
        assertThat(retention.damaged()).extracting(DamagedBackup::id).containsExactly(B);
        assertThat(retention.damaged().get(0).problem()).contains(damage.object() + " " + damage.problem());
        assertThat(prune.stdout()).contains("1 damaged backup(s) kept").contains(damage.object());
        assertThat(repository.keys(TestRepository.POLICY + B + "/")).as("kept for someone to look at")
            .isEqualTo(damagedObjects);
      }
      case AS_A_LEFTOVER -> {
        // Without its manifest B cannot be told from an interrupted run's leftover, which retention
        // removes after a day; it says so, naming it.
        assertThat(retention.leftovers()).containsExactly(B);
        assertThat(prune.stdout()).contains("1 leftover(s) of interrupted runs deleted (no manifest.json, older than a"
            + " day): " + B);
      }
      case WHEN_READ -> {
        // Its manifest is whole: retention counts B like any backup, and keepLast=1 prunes it.
        assertThat(retention.prunedIds()).containsExactlyInAnyOrder(A, B);
      }
    }
    assertThat(ListedBackup.parseLog(agent.run("list").stdout())).extracting(ListedBackup::id).containsExactly(C);
  }

  /** A backup of the volume as it is; tiny, so not judged suspicious (which would stop retention). */
  void backup(String id) {
    repository.backup(volume, id, "--min-size", "0");
  }

  Path restored(String... args) throws IOException {
    Path into = Files.createDirectories(dir.resolve("restored-" + System.nanoTime()));
    AgentCli.Run run = agent.run("restore", Stream.concat(Stream.of(args), Stream.of("--target", into.toString()))
        .toArray(String[]::new));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    return into;
  }
}
