package dev.lifeboat.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void aFullDiskIsNamedAsSuch() {
    assertThat(Failures.describe(new IOException("No space left on device")))
        .startsWith("target disk is full");
  }

  @Test
  void fileErrorsNameTheFile() {
    assertThat(Failures.describe(new NoSuchFileException("/keys/key"))).isEqualTo("no such file: /keys/key");
    assertThat(Failures.describe(new AccessDeniedException("/data/db"))).isEqualTo("permission denied: /data/db");
  }

  @Test
  void onlyTheFirstLineOfAMessageIsKept() {
    assertThat(Failures.describe(new IllegalArgumentException("--volume: bad\nstack details"))).isEqualTo("--volume: bad");
  }

  @Test
  void unexpectedErrorsKeepTheirTypeForDiagnosis() {
    assertThat(Failures.describe(new NullPointerException("boom"))).isEqualTo("NullPointerException: boom");
  }
}
