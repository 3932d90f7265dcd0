package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.agent.archive.ChildArchiver.Way;
import dev.lifeboat.agent.archive.Trees.Archived;
import dev.lifeboat.testing.FileTrees;
import dev.lifeboat.testing.SmallDisk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Replace restore touches the app's files only once the backup is proven whole, and then all at once. */
class StagedReplaceTest {
  @TempDir
  Path tmp;
  Path volume;
  Path target;
  Archived archived;

  @BeforeEach
  void archiveOfTheSampleVolumeAndAnAppWithCurrentFiles() throws IOException {
    volume = Files.createDirectory(tmp.resolve("volume"));
    Trees.sampleVolume(volume);
    archived = Trees.archive(volume, List.of());
    target = Files.createDirectory(tmp.resolve("target"));
    currentAppFiles(target);
  }

  static void currentAppFiles(Path root) throws IOException {
    Trees.write(root, "memory.db", "today's database\n", 0600);
    Trees.write(root, "data/x.json", "{\"x\": 2}\n", 0644);
    Trees.write(root, "data/added-today.json", "{}\n", 0644);
    Trees.write(root, "notes/today.txt", "written after the backup\n", 0644);
  }

  @Test
  void theSwapGivesExactlyTheBackupAndLeavesNoStagingBehind() throws IOException {
    try (StagedReplace staged = StagedReplace.open(target)) {
      extract(staged, List.of(), Trees.digestMap(archived.stats()));
      assertThat(target.resolve("notes/today.txt")).as("untouched until the swap").exists();
      staged.commit(List.of());
    }

    assertThat(Trees.snapshot(target)).isEqualTo(Trees.snapshot(volume));
  }

  @Test
  void aFileThatDoesNotMatchItsChecksumLeavesTheTargetAsItWas() throws IOException {
    Map<String, String> snapshot = FileTrees.snapshot(target);
    Map<String, String> expected = new HashMap<>(Trees.digestMap(archived.stats()));
    expected.put("data/x.json", "0".repeat(64));

    try (StagedReplace staged = StagedReplace.open(target)) {
      assertThatThrownBy(() -> extract(staged, List.of(), expected)).isInstanceOf(ChecksumMismatchException.class);
    }

    assertThat(FileTrees.snapshot(target)).isEqualTo(snapshot);
  }

  @Test
  void selectedPathsAreSwappedAloneAndTheRestOfTheTargetStays() throws IOException {
    try (StagedReplace staged = StagedReplace.open(target)) {
      extract(staged, List.of("data/"), Trees.digestMap(archived.stats()));
      staged.commit(List.of("data/"));
    }

    assertThat(target.resolve("data/x.json")).hasContent("{\"x\": 1}");
    assertThat(target.resolve("data/nested/deeper/script.sh")).exists();
    assertThat(target.resolve("data/added-today.json")).as("Replace of data/ empties it").doesNotExist();
    assertThat(target.resolve("memory.db")).hasContent("today's database");
    assertThat(target.resolve("notes/today.txt")).exists();
    assertThat(leftovers(target)).isEmpty();
  }

  @Test
  void whatARestoreKilledMidwayLeftBehindIsRemovedWhenTheNextStarts() throws IOException {
    Trees.write(target, StagedReplace.PREFIX + "staging-0123456789ab/memory.db", "half", 0600);
    Trees.write(target, StagedReplace.PREFIX + "replaced-0123456789ab/old.txt", "old", 0600);
    Map<String, String> appFiles = FileTrees.snapshot(target);
    appFiles.keySet().removeIf(name -> name.startsWith(StagedReplace.PREFIX));

    try (StagedReplace staged = StagedReplace.open(target)) {
      assertThat(leftovers(target)).containsExactly(staged.staging().getFileName().toString());
    }

    assertThat(FileTrees.snapshot(target)).isEqualTo(appFiles);
  }

  @Test
  void whatARestoreKilledMidwayLeftBehindIsNotBackedUp() throws IOException {
    Trees.write(target, StagedReplace.PREFIX + "staging-0123456789ab/memory.db", "half", 0600);
    Trees.write(target, "data/" + StagedReplace.PREFIX + "mine.txt", "the app's own file of that name", 0600);

    List<String> names = Trees.entryNames(Trees.archive(target, List.of()).bytes());

    assertThat(names).noneMatch(name -> name.startsWith(StagedReplace.PREFIX)).contains("data/" + StagedReplace.PREFIX + "mine.txt");
  }

  /** Root ignores file modes: the agent's view is only seen from a JVM running as another user. */
  @Test
  void aDirectoryTheAgentMayNotMoveUndoesTheSwapAndNamesItsOwner() throws Exception {
    assumeTrue(ChildArchiver.available(Way.NOBODY, tmp), "as root, needs setpriv to run the restore as nobody");
    Path work = Files.createDirectory(tmp.resolve("work"));
    Path tar = work.resolve("volume.tar");
    Files.write(tar, archived.bytes());
    String classpath = ChildArchiver.nobodyClasspath(work);
    Path appVolume = Files.createDirectory(work.resolve("app"));
    currentAppFiles(appVolume);
    try (Stream<Path> all = Files.walk(appVolume)) { // the app runs as nobody too ...
      for (Path p : all.toList()) {
        Files.setAttribute(p, "unix:uid", ChildArchiver.NOBODY_UID);
      }
    }
    Trees.write(appVolume, "root-owned/keep.txt", "root's\n", 0644); // ... but one directory is root's
    Map<String, String> before = FileTrees.snapshot(appVolume);

    List<String> command = new ArrayList<>(ChildArchiver.asNobody());
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
        "-XX:TieredStopAtLevel=1", "-cp", classpath, StagedReplaceTest.class.getName(), appVolume.toString(),
        tar.toString()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(child.exitValue()).as(output).isEqualTo(3);
    assertThat(output).contains("cannot swap the restored files in: root-owned: permission denied (owner uid 0, mode 0755);"
        + " moving a directory needs write permission on it");
    assertThat(FileTrees.snapshot(appVolume)).isEqualTo(before);
  }

  @Test
  void aFullDiskWhileStagingLeavesTheTargetAsItWas() throws Exception {
    Path big = Files.createDirectory(tmp.resolve("big"));
    byte[] random = new byte[3 * 1024 * 1024];
    new SecureRandom().nextBytes(random);
    Files.write(big.resolve("blob.bin"), random);
    Archived bigArchive = Trees.archive(big, List.of());
    try (SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), 2 * 1024 * 1024, 0)) {
      currentAppFiles(disk.root());
      Map<String, String> before = FileTrees.snapshot(disk.root());

      try (StagedReplace staged = StagedReplace.open(disk.root())) {
        assertThatThrownBy(() -> new SafeExtractor(staged.staging(), RestoreMode.Replace, List.of())
            .extract(bigArchive.stream(), Trees.digestMap(bigArchive.stats())))
            .hasMessageContaining("cannot write blob.bin in the target: No space left on device");
      }

      assertThat(FileTrees.snapshot(disk.root())).isEqualTo(before);
    }
  }

  private void extract(StagedReplace staged, List<String> paths, Map<String, String> expected) throws IOException {
    new SafeExtractor(staged.staging(), RestoreMode.Replace, paths).extract(archived.stream(), expected);
  }

  private static List<String> leftovers(Path root) throws IOException {
    try (Stream<Path> children = Files.list(root)) {
      return children.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(StagedReplace.PREFIX)).toList();
    }
  }

  /** The child, as nobody: {@code target tar}; a failure is printed and exits 3. */
  public static void main(String[] args) throws IOException {
    try (StagedReplace staged = StagedReplace.open(Path.of(args[0]));
        InputStream tar = Files.newInputStream(Path.of(args[1]))) {
      new SafeExtractor(staged.staging(), RestoreMode.Replace, List.of()).extract(tar, Map.of());
      staged.commit(List.of());
    } catch (IOException e) {
      System.out.println(e.getMessage());
      System.exit(3);
    }
  }
}
