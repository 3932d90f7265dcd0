package dev.lifeboat.agent.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VolumeSourceTest {
  @Test
  void claimAndDirectoryAreSplitAtTheFirstEquals() {
    assertThat(VolumeSource.parse("memory-data=/data/memory-data"))
        .isEqualTo(new VolumeSource("memory-data", Path.of("/data/memory-data")));
    assertThat(VolumeSource.parse("a=/x=y").dir()).isEqualTo(Path.of("/x=y"));
  }

  @Test
  void aMalformedVolumeNamesTheOption() {
    assertThatThrownBy(() -> VolumeSource.parse("memory-data")).hasMessageContaining("--volume: 'memory-data'");
    assertThatThrownBy(() -> VolumeSource.parse("=/data")).hasMessageContaining("CLAIM=DIR");
  }
}
