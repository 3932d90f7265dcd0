package dev.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
  @Test
  void theNewestProgressLineWinsAndOtherLinesAreIgnored() {
    String log = "restore memory-data: 10 / 100 bytes (10%)\nWARNING: something\n"
        + "restore memory-data: 60 / 100 bytes (60%)\nwriting memory.db\n";
    var progress = ProgressLine.newest(log).orElseThrow();
    assertThat(progress.bytesDone).isEqualTo(60L);
    assertThat(progress.bytesTotal).isEqualTo(100L);
    assertThat(progress.percent).isEqualTo(60);
  }

  @Test
  void noProgressLineMeansNoProgress() {
    assertThat(ProgressLine.newest("starting\n")).isEmpty();
    assertThat(ProgressLine.newest(null)).isEmpty();
  }
}
