package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image's static busybox ({@link ContainerLaunch#HELPER}) is this machine's busybox, when it has one. */
class ContainerLaunchHelperTest {
  @TempDir
  Path state;

  /** An init container as Lifeboat's Jobs have it: the helper copies itself into the pod's bin emptyDir. */
  ContainerLaunch.Launch setup() throws Exception {
    PodSpec pod = new PodSpecBuilder()
        .addNewVolume().withName("lifeboat-bin").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewContainer().withName("lifeboat-setup").withImage("lifeboat:test")
        .withCommand(ContainerLaunch.HELPER, "sh", "-c", "cp " + ContainerLaunch.HELPER + " /lifeboat/bin/busybox")
        .addNewVolumeMount().withName("lifeboat-bin").withMountPath("/lifeboat/bin").endVolumeMount()
        .endContainer().build();
    return new ContainerLaunch(null, state).prepare("notes", pod, Files.createDirectories(state.resolve("pod")));
  }

  @Test
  void theHelperIsTheHostsBusyboxAsAProgramAndInAScriptsWords() throws Exception {
    Path busybox = ContainerLaunch.hostHelper();
    assumeTrue(busybox != null, "no busybox on this machine: skipped");

    var launch = setup();

    Path bin = state.resolve("pod").resolve("emptydir-lifeboat-bin");
    assertThat(launch.command()).containsExactly(busybox.toString(), "sh", "-c",
        "cp " + busybox + " " + bin.resolve("busybox"));
  }

  @Test
  void withoutBusyboxHereAContainerNamingTheHelperCannotStart() {
    assumeTrue(ContainerLaunch.hostHelper() == null, "busybox is installed here: skipped");

    assertThatThrownBy(this::setup).isInstanceOf(ContainerLaunch.StartError.class)
        .hasMessageContaining(ContainerLaunch.HELPER).hasMessageContaining("no such file or directory");
  }
}
