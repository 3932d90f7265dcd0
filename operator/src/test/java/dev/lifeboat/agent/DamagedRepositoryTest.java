package dev.lifeboat.agent;

import static dev.lifeboat.testing.TestRepository.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.TestRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a damaged backup is reported where the operator reads it: the list Job's log and a backup's
 * result. (Each kind of damage, and that it blocks nothing else, is in {@link HostileRepositoryTest}.)
 */
class DamagedRepositoryTest {
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
    Files.writeString(volume.resolve("state.json"), "{\"mood\":\"calm\"}");
  }

  @AfterEach
  void tearDown() {
    repository.close();
  }

  void backup(String id, String... more) {
    repository.backup(volume, id, more);
  }

  void corrupt(String id) {
    String key = key(id, "manifest.json");
    repository.write(key, repository.read(key).substring(0, 40));
  }

  @Test
  void theListJobsLogNamesDamagedBackupsBesideTheListingOfTheOthers() {
    backup("20251101T020000Z");
    backup("20251102T020000Z");
    backup("20251103T020000Z");
    corrupt("20251102T020000Z");

    AgentCli.Run list = agent.run("list");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    String podLog = list.stderr() + list.stdout(); // kubectl logs interleaves both, stderr first here
    assertThat(ListedBackup.parseLog(podLog)).extracting(ListedBackup::id)
        .containsExactly("20251103T020000Z", "20251101T020000Z");
    assertThat(DamagedBackup.inListLog(podLog)).containsExactly(new DamagedBackup("20251102T020000Z",
        key("20251102T020000Z", "manifest.json") + " is not valid JSON (Unexpected end-of-input in VALUE_STRING)"));
  }

  @Test
  void aBackupsResultNamesEachDamagedBackupWithItsProblemAndRetentionKeepsThem() throws IOException {
    backup("20251101T020000Z");
    backup("20251102T020000Z");
    corrupt("20251102T020000Z");
    Path log = dir.resolve("termination-log");

    backup("20251104T020000Z", "--retention", "keepLast=1", "--min-size", "0", "--termination-log", log.toString());

    AgentResult result = AgentResult.parse(Files.readString(log));
    String problem = key("20251102T020000Z", "manifest.json") + " is not valid JSON";
    assertThat(result.retention().damaged()).singleElement().satisfies(d -> {
      assertThat(d.id()).isEqualTo("20251102T020000Z");
      assertThat(d.problem()).startsWith(problem);
    });
    assertThat(result.retention().damagedCount()).isEqualTo(1);
    assertThat(result.retention().prunedIds()).containsExactly("20251101T020000Z");
    assertThat(result.message()).contains("1 damaged backup(s) kept, not counted by retention: " + problem);
  }

  @Test
  void latestSkipsADamagedNewerBackupWithAWarningAndNamesItWhenNoOtherIsLeft() throws IOException {
    backup("20251101T020000Z");
    backup("20251102T020000Z");
    corrupt("20251102T020000Z");

    AgentCli.Run latest = agent.run("restore", "--backup", "latest", "--target", dir.resolve("one").toString());
    assertThat(latest.exitCode()).as(latest.stderr()).isZero();
    assertThat(latest.stderr()).contains("warning: skipped damaged backup 20251102T020000Z: "
        + key("20251102T020000Z", "manifest.json"));
    assertThat(latest.stdout()).contains("restored backup 20251101T020000Z");

    corrupt("20251101T020000Z");
    AgentCli.Run none = agent.run("restore", "--backup", "latest", "--target", dir.resolve("two").toString());
    assertThat(none.exitCode()).isEqualTo(AgentResult.EXIT_PERMANENT);
    assertThat(none.stderr()).contains("no complete backup of rose/rose-memory in the repository; damaged: "
        + key("20251102T020000Z", "manifest.json"));
  }
}
