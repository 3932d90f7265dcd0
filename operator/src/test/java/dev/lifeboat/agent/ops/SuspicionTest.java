package dev.lifeboat.agent.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.agent.repo.Manifest;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuspicionTest {
  static Manifest previous(long bytes) {
    return new Manifest(1, "20251108T020000Z", "rose", "rose-memory", Manifest.KIND_SCHEDULED, null, null, "zstd", null,
        bytes, null, 1, false, null, List.of(), null, null, null, "test");
  }

  @Test
  void belowMinSizeIsSuspicious() {
    assertThat(Suspicion.judge(1_000, 51_200, null).suspicious()).isTrue();
    assertThat(Suspicion.judge(1_000, 51_200, null).reason()).contains("--min-size 51200");
  }

  @Test
  void underTenPercentOfThePreviousGoodBackupIsSuspicious() {
    assertThat(Suspicion.judge(99_999, 1_000, previous(1_000_000)).suspicious()).isTrue();
    assertThat(Suspicion.judge(100_000, 1_000, previous(1_000_000)).suspicious()).isFalse();
  }

  @Test
  void aFirstBackupAboveMinSizeIsFine() {
    assertThat(Suspicion.judge(60_000, 51_200, null).suspicious()).isFalse();
  }
}
