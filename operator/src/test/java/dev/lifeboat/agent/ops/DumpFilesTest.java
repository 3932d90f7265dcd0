package dev.lifeboat.agent.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpFilesTest {
  @TempDir
  Path dir;

  @Test
  void theTailIsTheLastTwentyLinesOnOneLine() throws IOException {
    Files.writeString(dir.resolve("err"), IntStream.rangeClosed(1, 30).mapToObj(i -> "line " + i)
        .collect(Collectors.joining("\n", "", "\n")));
    assertThat(DumpFiles.errTail(dir)).startsWith("line 11 | line 12").endsWith("line 30");
  }

  @Test
  void theTailIsAtMostTwoKibibytesOfWholeLines() throws IOException {
    Files.writeString(dir.resolve("err"), "x".repeat(5000) + "\nlast words\n");
    assertThat(DumpFiles.errTail(dir)).isEqualTo("last words");
    Files.writeString(dir.resolve("err"), "");
    assertThat(DumpFiles.errTail(dir)).isEqualTo("(no standard error)");
    Files.delete(dir.resolve("err"));
    assertThat(DumpFiles.errTail(dir)).isEqualTo("(no standard error)");
  }

  @Test
  void theExitStatusIsReadOnceItAppears() throws IOException {
    assertThat(DumpFiles.awaitExit(dir, Duration.ofMillis(200))).isNull();
    Files.writeString(dir.resolve("exit"), "143\n");
    assertThat(DumpFiles.awaitExit(dir, Duration.ofMillis(200))).isEqualTo(143);
    Files.writeString(dir.resolve("exit"), "killed");
    assertThatThrownBy(() -> DumpFiles.awaitExit(dir, Duration.ofMillis(200))).hasMessageContaining("not an exit status");
  }

  @Test
  void anOpenNobodyAnswersIsReleasedAfterTheTimeout() throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("out").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    for (boolean reading : new boolean[] {true, false}) {
      long start = System.nanoTime();
      AutoCloseable opened = reading
          ? DumpFiles.openOrGiveUp(dir, () -> DumpFiles.openForReading(dir), Duration.ofMillis(300))
          : DumpFiles.openOrGiveUp(dir, () -> DumpFiles.openForWriting(dir), Duration.ofMillis(300));
      assertThat(opened).isNull();
      assertThat((System.nanoTime() - start) / 1e9).as(reading ? "reading" : "writing").isLessThan(3);
      assertThat(dir.resolve("abort")).exists();
    }
  }

  @Test
  void dumpFlagsAreParsed() {
    DumpSource dump = DumpSource.parse("tzurot-db=/lifeboat/dumps/tzurot-db,timeout=3600");
    assertThat(dump.name()).isEqualTo("tzurot-db");
    assertThat(dump.dir()).isEqualTo(Path.of("/lifeboat/dumps/tzurot-db"));
    assertThat(dump.timeout()).isEqualTo(Duration.ofHours(1));
    assertThat(DumpSource.parse("db=/d").timeout()).isEqualTo(DumpSource.DEFAULT_TIMEOUT);
    assertThatThrownBy(() -> DumpSource.parse("db")).hasMessageContaining("is not NAME=DIR[,timeout=SECONDS]");
    assertThatThrownBy(() -> DumpSource.parse("Db=/d")).hasMessageContaining("is not a DNS label");
    assertThatThrownBy(() -> DumpSource.parse("db=/d,timeout=0")).hasMessageContaining("is not timeout=SECONDS");
    assertThatThrownBy(() -> DumpSource.parse("db=/d,size=1")).hasMessageContaining("unknown setting 'size=1'");
  }
}
