package dev.lifeboat.agent.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.agent.archive.FileDigest;
import dev.lifeboat.agent.repo.Manifest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a backup builds on the chain and when it starts again with a full archive; which layers it keeps. */
class LayerPlanTest {
  static Manifest.Layer layer(String backup, long size, long bytes) {
    return new Manifest.Layer(backup, "memory-data.tar.zst", size, "ab".repeat(32), 1, bytes);
  }

  static FileDigest file(String path, long size, Integer layer) {
    return new FileDigest(path, size, "cd".repeat(32), 1L, 1L, 1L, layer);
  }

  @Test
  void aChainGrowsUpToMaxLayersThenStartsAgain() {
    List<FileDigest> files = List.of(file("a", 100, 0));
    assertThat(LayerPlan.fullReason(List.of(layer("A", 50, 100)), files, 2)).isNull();
    assertThat(LayerPlan.fullReason(List.of(layer("A", 50, 100), layer("B", 1, 0)), files, 2))
        .isEqualTo("the chain has 2 layers (at most 2)");
    assertThat(LayerPlan.fullReason(List.of(layer("A", 50, 100)), files, 1)).isEqualTo("the chain has 1 layer (at most 1)");
  }

  @Test
  void aChainMostlyHoldingContentNoFileHasAnyMoreStartsAgain() {
    // A stores 1000 bytes for 1000 content bytes of which 300 are still a file's; B holds the rest.
    List<Manifest.Layer> layers = List.of(layer("A", 1000, 1000), layer("B", 700, 700));
    List<FileDigest> stillHalf = List.of(file("kept", 300, 0), file("rewritten", 700, 1));
    assertThat(LayerPlan.fullReason(layers, stillHalf, 30)).isNull(); // 700 of 1700 superseded

    List<Manifest.Layer> more = List.of(layer("A", 1000, 1000), layer("B", 700, 700), layer("C", 900, 900));
    List<FileDigest> mostlyGone = List.of(file("kept", 300, 0), file("rewritten", 700, 2), file("new", 200, 2));
    assertThat(LayerPlan.fullReason(more, mostlyGone, 30)).isEqualTo("54% of what the chain stores is content no file holds any more");
  }

  @Test
  void aNewLayerKeepsOnlyTheEarlierLayersThatStillHoldAFileAndRenumbersTheFiles() {
    List<Manifest.Layer> earlier = List.of(layer("A", 1000, 1000), layer("B", 10, 10), layer("C", 20, 20));
    Manifest.Layer written = layer("D", 5, 5);
    List<FileDigest> files = List.of(file("from-a", 900, 0), file("from-c", 20, 2), file("new", 5, null));

    LayerPlan.Result plan = LayerPlan.stacked(earlier, files, written);

    assertThat(plan.layers()).extracting(Manifest.Layer::backup).containsExactly("A", "C", "D");
    assertThat(plan.files()).extracting(FileDigest::path, FileDigest::layer)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("from-a", 0), org.assertj.core.groups.Tuple.tuple("from-c", 1),
            org.assertj.core.groups.Tuple.tuple("new", 2));
    assertThat(plan.size()).isEqualTo(1025);
  }
}
