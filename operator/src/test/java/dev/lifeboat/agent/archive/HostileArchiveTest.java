package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.testing.RawTar;
import dev.lifeboat.testing.RawTar.Entry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Archives crafted to escape the target: every one is refused, and the sibling directory stays untouched. */
class HostileArchiveTest {
  @TempDir
  Path tmp;
  Path target;
  Path outside;

  @BeforeEach
  void directories() throws IOException {
    target = Files.createDirectory(tmp.resolve("target"));
    outside = Files.createDirectory(tmp.resolve("outside"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../outside/x", "a/../../outside/x", "./../outside/x", "a/b/../../../outside/x"})
  void refusesNamesWithDotDot(String name) {
    byte[] tar = RawTar.tar(new Entry(name, TarConstants.LF_NORMAL, null, "evil"));

    assertRefused(tar, name);
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  @Test
  void devicesAndFifosAreSkippedWithAWarningNeitherCreatedNorFatal() throws IOException {
    byte[] tar = RawTar.tar(new Entry("pipe", TarConstants.LF_FIFO, null, null),
        new Entry("dev/zero", TarConstants.LF_CHR, null, null),
        new Entry("dev/sda", TarConstants.LF_BLK, null, null),
        new Entry("ok.txt", TarConstants.LF_NORMAL, null, "fine"));

    ArchiveStats stats = new SafeExtractor(target, RestoreMode.Replace, List.of())
        .extract(new ByteArrayInputStream(tar), Map.of());

    assertThat(stats.warnings()).containsExactly("pipe: skipped (fifo)", "dev/zero: skipped (device)",
        "dev/sda: skipped (device)");
    assertThat(target.resolve("ok.txt")).hasContent("fine");
    assertThat(target.resolve("pipe")).doesNotExist();
    assertThat(target.resolve("dev/zero")).doesNotExist();
  }

  @Test
  void refusesAbsoluteNames() {
    String name = outside.resolve("x").toString();

    assertRefused(RawTar.tar(new Entry(name, TarConstants.LF_NORMAL, null, "evil")), name);
    assertRefused(RawTar.tar(new Entry("/etc/x", TarConstants.LF_NORMAL, null, "evil")), "/etc/x");
  }

  @Test
  void refusesAFileWrittenThroughASymlinkFromTheArchive() {
    byte[] tar = RawTar.tar(
        new Entry("link", TarConstants.LF_SYMLINK, outside.toString(), null),
        new Entry("link/evil", TarConstants.LF_NORMAL, null, "evil"));

    assertRefused(tar, "link/evil");
  }

  @Test
  void refusesAFileWrittenThroughARelativeSymlinkChain() {
    byte[] tar = RawTar.tar(
        new Entry("a/", TarConstants.LF_DIR, null, null),
        new Entry("a/up", TarConstants.LF_SYMLINK, "../..", null),
        new Entry("a/up/outside/evil", TarConstants.LF_NORMAL, null, "evil"));

    assertRefused(tar, "a/up/outside/evil");
  }

  @Test
  void refusesADirectoryCreatedThroughASymlink() {
    byte[] tar = RawTar.tar(
        new Entry("link", TarConstants.LF_SYMLINK, outside.toString(), null),
        new Entry("link/sub/", TarConstants.LF_DIR, null, null));

    assertRefused(tar, "link/sub/");
  }

  @Test
  void refusesWritingThroughASymlinkAlreadyInTheTarget() throws IOException {
    Files.createSymbolicLink(target.resolve("data"), outside);
    byte[] tar = RawTar.tar(new Entry("data/evil", TarConstants.LF_NORMAL, null, "evil"));

    assertThatThrownBy(() -> extract(tar, RestoreMode.Merge))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining("'data/evil'");
    assertThat(Trees.isEmptyDirectory(outside)).isTrue();
  }

  @Test
  void refusesAHardlinkToAnAbsolutePath() {
    byte[] tar = RawTar.tar(new Entry("passwd", TarConstants.LF_LINK, "/etc/passwd", null));

    assertRefused(tar, "passwd");
    assertThat(target.resolve("passwd")).doesNotExist();
  }

  @Test
  void refusesAHardlinkLeavingTheTarget() throws IOException {
    Path secret = Files.writeString(outside.resolve("secret"), "secret");
    byte[] tar = RawTar.tar(new Entry("stolen", TarConstants.LF_LINK, "../outside/secret", null));

    assertThatThrownBy(() -> extract(tar, RestoreMode.Replace))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining("'stolen'");
    assertThat(target.resolve("stolen")).doesNotExist();
    assertThat(Files.readString(secret)).isEqualTo("secret");
  }

  @Test
  void refusesAHardlinkThroughASymlink() throws IOException {
    Files.writeString(outside.resolve("secret"), "secret");
    byte[] tar = RawTar.tar(
        new Entry("door", TarConstants.LF_SYMLINK, outside.toString(), null),
        new Entry("stolen", TarConstants.LF_LINK, "door/secret", null));

    assertThatThrownBy(() -> extract(tar, RestoreMode.Replace))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining("'stolen'");
    assertThat(target.resolve("stolen")).doesNotExist();
  }

  @Test
  void acceptsAHardlinkToAFileExtractedEarlier() throws IOException {
    byte[] tar = RawTar.tar(
        new Entry("a.txt", TarConstants.LF_NORMAL, null, "shared"),
        new Entry("b.txt", TarConstants.LF_LINK, "a.txt", null));

    extract(tar, RestoreMode.Replace);

    assertThat(Files.isSameFile(target.resolve("a.txt"), target.resolve("b.txt"))).isTrue();
  }

  @Test
  void aDirectoryLaterReplacedBySymlinkDoesNotGetItsModeAppliedOutside() throws IOException {
    Files.setAttribute(outside, "unix:mode", 0700);
    byte[] tar = RawTar.tar(
        new Entry("d/", TarConstants.LF_DIR, null, null),
        new Entry("d", TarConstants.LF_SYMLINK, outside.toString(), null));

    extract(tar, RestoreMode.Replace);

    assertThat(Files.isSymbolicLink(target.resolve("d"))).isTrue();
    assertThat(Files.getAttribute(outside, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(040700);
  }

  @Test
  void verifierRefusesUnsafeNamesToo() {
    byte[] tar = RawTar.tar(new Entry("../x", TarConstants.LF_NORMAL, null, "evil"));

    assertThatThrownBy(() -> ArchiveVerifier.verify(new ByteArrayInputStream(tar), Map.of()))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining("'../x'");
  }

  @Test
  void verifierRefusesAFileBeneathASymlinkOfTheArchiveAsARestoreWould() {
    byte[] tar = RawTar.tar(
        new Entry("door", TarConstants.LF_SYMLINK, outside.toString(), null),
        new Entry("door/evil", TarConstants.LF_NORMAL, null, "evil"));

    assertThatThrownBy(() -> ArchiveVerifier.verify(new ByteArrayInputStream(tar), Map.of()))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessage("unsafe archive entry 'door/evil': would be written through the symlink 'door'");
  }

  @Test
  void verifierRefusesAHardlinkToAnythingButAFileOfTheArchive() throws IOException {
    byte[] throughSymlink = RawTar.tar(
        new Entry("door", TarConstants.LF_SYMLINK, outside.toString(), null),
        new Entry("stolen", TarConstants.LF_LINK, "door/secret", null));
    byte[] toNothing = RawTar.tar(new Entry("stolen", TarConstants.LF_LINK, "secret", null));
    byte[] toAFile = RawTar.tar(
        new Entry("a.txt", TarConstants.LF_NORMAL, null, "shared"),
        new Entry("b.txt", TarConstants.LF_LINK, "a.txt", null),
        new Entry("c.txt", TarConstants.LF_LINK, "b.txt", null));

    for (byte[] tar : List.of(throughSymlink, toNothing)) {
      assertThatThrownBy(() -> ArchiveVerifier.verify(new ByteArrayInputStream(tar), Map.of()))
          .isInstanceOf(UnsafeArchiveException.class)
          .hasMessageContaining("'stolen'");
    }
    assertThatCode(() -> ArchiveVerifier.verify(new ByteArrayInputStream(toAFile), Map.of()))
        .as("a hardlink to a file, or to a hardlink of one, is what tar writes").doesNotThrowAnyException();
  }

  private void assertRefused(byte[] tar, String entry) {
    assertThatThrownBy(() -> extract(tar, RestoreMode.Replace))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining("'" + entry + "'")
        .satisfies(e -> assertThat(((UnsafeArchiveException) e).entry()).isEqualTo(entry));
    try {
      assertThat(Trees.isEmptyDirectory(outside)).as("nothing written outside the target").isTrue();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private void extract(byte[] tar, RestoreMode mode) throws IOException {
    new SafeExtractor(target, mode, List.of()).extract(new ByteArrayInputStream(tar), Map.of());
  }
}
