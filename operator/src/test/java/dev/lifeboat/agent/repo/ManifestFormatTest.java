package dev.lifeboat.agent.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** formatVersion 1 and 2, and what an agent that knows only 1 says of a backup holding dumps. */
class ManifestFormatTest {
  static final String KEY = "prod/rose/rose-memory/20251109T020000Z/manifest.json";

  static byte[] withDumps() {
    Manifest manifest = new Manifest(Manifest.FORMAT_VERSION_DUMPS, "20251109T020000Z", "rose", "rose-memory",
        Manifest.KIND_SCHEDULED, null, null, "zstd", null, 100, 0, false, null, List.of(),
        List.of(new Manifest.Dump("db", "db.dump.zst", 100, "ab".repeat(32), 1000, 1.5)), null, null, "test");
    return Json.write(manifest);
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
    byte[] future = new String(withDumps(), StandardCharsets.UTF_8).replace("\"formatVersion\" : 2", "\"formatVersion\" : 3")
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ManifestReader.read("20251109T020000Z", KEY, future))
        .hasMessageContaining("has formatVersion 3; this agent reads 1 to 2: upgrade Lifeboat");
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
