package dev.lifeboat.agent.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** formatVersions 1 to 3, and what an older agent says of a backup holding dumps or layers. */
class ManifestFormatTest {
  static final String KEY = "prod/rose/rose-memory/20251109T020000Z/manifest.json";

  static byte[] withDumps() {
    Manifest manifest = new Manifest(Manifest.FORMAT_VERSION_DUMPS, "20251109T020000Z", "rose", "rose-memory",
        Manifest.KIND_SCHEDULED, null, null, "zstd", null, 100, null, 0, false, null, List.of(),
        List.of(new Manifest.Dump("db", "db.dump.zst", 100, "ab".repeat(32), 1000, 1.5)), null, null, "test");
    return Json.write(manifest);
  }

  /** Format 3: one volume of two layers, the first written by backup {@code first}. */
  static byte[] layered(String first, String object) {
    Manifest.Volume volume = new Manifest.Volume("memory-data", null, 30, null, 2, 200, "memory-data.files.json",
        "ef".repeat(32), null, List.of(new Manifest.Layer(first, object, 20, "ab".repeat(32), 1, 100),
            new Manifest.Layer("20251109T020000Z", "memory-data.tar.zst", 10, "cd".repeat(32), 1, 100)));
    return Json.write(new Manifest(Manifest.FORMAT_VERSION_LAYERS, "20251109T020000Z", "rose", "rose-memory",
        Manifest.KIND_SCHEDULED, null, null, "zstd", null, 30, 10L, 2, false, null, List.of(volume), null, null, null,
        "test"));
  }

  @Test
  void aLayeredVolumeIsReadBackWithTheBackupsItsLayersCameFrom() {
    Manifest read = ManifestReader.read("20251109T020000Z", KEY, layered("20251108T020000Z", "memory-data.tar.zst"));
    assertThat(read.volume("memory-data").layers(read.id())).extracting(Manifest.Layer::backup)
        .containsExactly("20251108T020000Z", "20251109T020000Z");
  }

  @Test
  void anAgentOlderThanLayersRefusesALayeredBackupByName() {
    assertThatThrownBy(() -> ManifestReader.read("20251109T020000Z", KEY, layered("20251108T020000Z",
        "memory-data.tar.zst"), Manifest.FORMAT_VERSION_DUMPS))
        .isInstanceOf(DamagedManifestException.class)
        .hasMessageContaining(KEY + " has formatVersion 3; this agent reads 1 to 2: upgrade Lifeboat");
  }

  @Test
  void aLayerPointingAtALaterBackupOrOutOfItsFolderIsDamaged() {
    assertThatThrownBy(() -> ManifestReader.read("20251109T020000Z", KEY, layered("20251110T020000Z", "memory-data.tar.zst")))
        .isInstanceOf(DamagedManifestException.class)
        .hasMessageContaining("lacks volumes[0].layers[0] naming an object of this or an earlier backup"
            + " (it names 20251110T020000Z/memory-data.tar.zst)");
    assertThatThrownBy(() -> ManifestReader.read("20251109T020000Z", KEY, layered("20251108T020000Z", "../pins/x.json")))
        .isInstanceOf(DamagedManifestException.class)
        .hasMessageContaining("(it names 20251108T020000Z/../pins/x.json)");
  }

  @Test
  void aManifestWithDumpsIsReadBack() {
    Manifest read = ManifestReader.read("20251109T020000Z", KEY, withDumps());
    assertThat(read.formatVersion()).isEqualTo(2);
    assertThat(read.dump("db").object()).isEqualTo("db.dump.zst");
    assertThat(read.dump("db").bytes()).isEqualTo(1000);
    assertThat(read.volumes()).isEmpty();
  }

  @Test
  void anOlderAgentRefusesFormatVersion2WithTheUpgradeMessage() {
    assertThatThrownBy(() -> ManifestReader.read("20251109T020000Z", KEY, withDumps(), Manifest.FORMAT_VERSION))
        .isInstanceOf(DamagedManifestException.class)
        .hasMessageContaining(KEY + " has formatVersion 2; this agent reads 1: upgrade Lifeboat");
  }

  @Test
  void aFutureFormatIsRefusedToo() {
    byte[] future = new String(withDumps(), StandardCharsets.UTF_8).replace("\"formatVersion\" : 2", "\"formatVersion\" : 4")
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ManifestReader.read("20251109T020000Z", KEY, future))
        .hasMessageContaining("has formatVersion 4; this agent reads 1 to 3: upgrade Lifeboat");
  }

  @Test
  void aManifestWithNeitherVolumesNorDumpsIsDamaged() {
    byte[] neither = new String(withDumps(), StandardCharsets.UTF_8).replaceAll("(?s)\"dumps\" : \\[.*?\\],", "")
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ManifestReader.read("20251109T020000Z", KEY, neither))
        .isInstanceOf(DamagedManifestException.class)
        .hasMessageContaining("lacks its volumes and dumps");
  }

  @Test
  void aDumpWithoutItsObjectIsDamaged() {
    byte[] broken = new String(withDumps(), StandardCharsets.UTF_8).replace("\"object\" : \"db.dump.zst\",", "")
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ManifestReader.read("20251109T020000Z", KEY, broken))
        .hasMessageContaining("lacks dumps[0]'s name, object or sha256");
  }
}
