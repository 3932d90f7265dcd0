package dev.lifeboat.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.common.AgentResult;
import dev.lifeboat.testing.AgentCli;
import dev.lifeboat.testing.FileTrees;
import dev.lifeboat.testing.SmallDisk;
import dev.lifeboat.testing.TestRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Replace restore that fails, for whatever reason, leaves the app's volume as it was: the app can
 * be started again on yesterday's data instead of waiting for a second restore.
 */
class ReplaceRestoreTest {
  static final String ARCHIVE = TestRepository.key("20251109T020000Z", "memory-data.tar.zst");
  static final int MIB = 1024 * 1024;

  @TempDir
  Path dir;
  TestRepository repository;
  Path volume;

  @BeforeEach
  void setUp() throws IOException {
    repository = TestRepository.start(dir.resolve("s3"));
    volume = Files.createDirectories(dir.resolve("volume"));
  }

  @AfterEach
  void tearDown() {
    repository.close();
  }

  @Test
  void aCorruptedArchiveLeavesTheAppsFilesInPlace() throws Exception {
    random(volume.resolve("memory.db"), MIB);
    backup();
    corruptArchive();
    Path target = Files.createDirectories(dir.resolve("target"));
    Files.writeString(target.resolve("memory.db"), "today's database");
    Map<String, String> before = FileTrees.snapshot(target);

    AgentCli.Run restore = restore(target);

    assertThat(restore.exitCode()).as("retrying cannot mend a damaged backup").isEqualTo(AgentResult.EXIT_PERMANENT);
    assertThat(restore.stderr()).contains("20251109T020000Z").contains("; the target is unchanged");
    assertThat(FileTrees.snapshot(target)).isEqualTo(before);
  }

  @Test
  void aVolumeWithoutRoomForStagingChecksTheWholeBackupBeforeReplacing() throws Exception {
    random(volume.resolve("memory.db"), 3 * MIB);
    backup();
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 5 * MIB, 0)) {
      random(disk.root().resolve("memory.db"), 3 * MIB);

      AgentCli.Run restore = restore(disk.root());

      assertThat(restore.exitCode()).as(restore.stderr()).isZero();
      assertThat(restore.stdout()).contains("checking the whole backup first, then replacing in place");
      assertThat(FileTrees.snapshot(disk.root())).isEqualTo(FileTrees.snapshot(volume));
    }
  }

  @Test
  void aCorruptedBackupOnAVolumeWithoutRoomForStagingLeavesTheTargetAsItWas() throws Exception {
    random(volume.resolve("memory.db"), 3 * MIB);
    backup();
    corruptArchive();
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 5 * MIB, 0)) {
      random(disk.root().resolve("memory.db"), 3 * MIB);
      Map<String, String> before = FileTrees.snapshot(disk.root());

      AgentCli.Run restore = restore(disk.root());

      assertThat(restore.exitCode()).isNotZero();
      assertThat(restore.stderr()).contains("memory-data.tar.zst");
      assertThat(FileTrees.snapshot(disk.root())).isEqualTo(before);
    }
  }

  @Test
  void aBackupLargerThanTheVolumeIsRefusedBeforeAnythingIsDeleted() throws Exception {
    random(volume.resolve("memory.db"), 4 * MIB);
    backup();
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 2 * MIB, 0)) {
      random(disk.root().resolve("memory.db"), MIB / 2);
      Map<String, String> before = FileTrees.snapshot(disk.root());

      AgentCli.Run restore = restore(disk.root());

      assertThat(restore.exitCode()).isNotZero();
      assertThat(restore.stderr()).contains("volume memory-data of backup 20251109T020000Z holds 4.0 MiB")
          .contains("it cannot fit; restore into a larger claim. The target is unchanged");
      assertThat(FileTrees.snapshot(disk.root())).isEqualTo(before);
    }
  }

  @Test
  void runningOutOfFilesWhileStagingLeavesTheTargetAsItWasAndSaysWhatStagingNeeds() throws Exception {
    for (int i = 0; i < 200; i++) {
      Files.writeString(volume.resolve("note-" + i + ".json"), "{\"n\": " + i + "}");
    }
    backup();
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 16 * MIB, 100)) { // room for bytes, not for files
      Files.writeString(disk.root().resolve("memory.db"), "today's database");
      Map<String, String> before = FileTrees.snapshot(disk.root());

      AgentCli.Run restore = restore(disk.root());

      assertThat(restore.exitCode()).isNotZero();
      assertThat(restore.stderr()).contains("target disk is full").contains("No space left on device")
          .contains("; the target is unchanged (a Replace restore stages the backup beside the current contents");
      assertThat(FileTrees.snapshot(disk.root())).isEqualTo(before);
    }
  }

  void backup() {
    repository.backup(volume, "20251109T020000Z", "--min-size", "0");
  }

  AgentCli.Run restore(Path target) {
    return repository.agent().run("restore", "--backup", "20251109T020000Z", "--target", target.toString());
  }

  /** One byte flipped in the middle of the stored archive, as bit rot or a careless copy would. */
  void corruptArchive() {
    byte[] bytes = repository.bytes(ARCHIVE);
    bytes[bytes.length / 2] ^= 0x5a;
    repository.write(ARCHIVE, bytes);
  }

  static void random(Path file, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    Files.write(file, bytes);
  }
}
