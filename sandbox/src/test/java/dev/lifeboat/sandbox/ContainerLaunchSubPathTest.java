package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** volumeMount.subPath: the mount is a path inside the volume, never outside it. */
class ContainerLaunchSubPathTest {
  static final String NS = "notes";
  @TempDir
  Path state;

  /** A PVC volume only: no Secret to resolve, so the launcher needs no API server. */
  ContainerLaunch.Launch launch(String subPath) throws Exception {
    PodSpec pod = new PodSpecBuilder()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("notes-data")
        .endPersistentVolumeClaim().endVolume()
        .addNewContainer().withName("agent").withImage("busybox").withCommand("cat", "/data/config.json")
        .addNewVolumeMount().withName("data").withMountPath("/data").withSubPath(subPath).endVolumeMount()
        .endContainer().build();
    return new ContainerLaunch(null, state).prepare(NS, pod, Files.createDirectories(state.resolve("pod")));
  }

  @Test
  void aSubPathMountsThatDirectoryOfTheVolumeCreatingItIfMissing() throws Exception {
    Path expected = ContainerLaunch.volumeDir(state, NS, "notes-data").resolve("site-a/conf");

    var launch = launch("site-a/conf");

    assertThat(launch.command()).containsExactly("cat", expected.resolve("config.json").toString());
    assertThat(expected).isDirectory();
  }

  @Test
  void aSubPathNamingAnExistingFileMountsThatFile() throws Exception {
    Path volume = Files.createDirectories(ContainerLaunch.volumeDir(state, NS, "notes-data"));
    Files.writeString(volume.resolve("settings.json"), "{}");

    assertThat(ContainerLaunch.subPath(volume, "settings.json")).isRegularFile().hasContent("{}");
  }

  @Test
  void noSubPathMountsTheWholeVolume() throws Exception {
    Path volume = ContainerLaunch.volumeDir(state, NS, "notes-data");

    assertThat(launch(null).command()).containsExactly("cat", volume.resolve("config.json").toString());
    assertThat(launch("").command()).containsExactly("cat", volume.resolve("config.json").toString());
  }

  @Test
  void anAbsoluteSubPathIsRefused() {
    assertThatThrownBy(() -> launch("/etc")).isInstanceOf(IllegalStateException.class).hasMessageContaining("/etc");
  }

  @Test
  void aSubPathWithADotDotSegmentIsRefusedAndNothingIsCreatedOutsideTheVolume() {
    assertThatThrownBy(() -> launch("site-a/../../escaped")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("site-a/../../escaped");
    assertThatThrownBy(() -> launch("..")).isInstanceOf(IllegalStateException.class).hasMessageContaining("..");
    assertThat(ContainerLaunch.volumeDir(state, NS, "escaped")).doesNotExist();
  }

  @Test
  void dotsInsideANameAreNotASegmentUp() throws Exception {
    Path volume = Files.createDirectories(ContainerLaunch.volumeDir(state, NS, "notes-data"));

    assertThat(ContainerLaunch.subPath(volume, "v1..2")).isDirectory().isEqualTo(volume.resolve("v1..2"));
  }
}
