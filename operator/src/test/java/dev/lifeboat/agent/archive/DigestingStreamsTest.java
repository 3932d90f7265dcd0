package dev.lifeboat.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestingStreamsTest {
  private static final byte[] DATA = "the archive bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void outputStreamCountsAndDigestsWhatPassesThrough() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    DigestingOutputStream out = new DigestingOutputStream(sink);

    out.write(DATA[0]);
    out.write(DATA, 1, DATA.length - 1);

    assertThat(sink.toByteArray()).isEqualTo(DATA);
    assertThat(out.count()).isEqualTo(DATA.length);
    assertThat(out.sha256Hex()).isEqualTo(Trees.sha256(DATA)).isEqualTo(out.sha256Hex());
  }

  @Test
  void inputStreamCountsAndDigestsEverythingReadOrSkipped() throws IOException {
    DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(DATA));

    assertThat(in.read()).isEqualTo(DATA[0]);
    assertThat(in.skip(3)).isEqualTo(3);
    in.readAllBytes();

    assertThat(in.count()).isEqualTo(DATA.length);
    assertThat(in.sha256Hex()).isEqualTo(Trees.sha256(DATA));
  }

  @Test
  void anEmptyStreamHasTheEmptyDigest() {
    DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(new byte[0]));

    assertThat(in.sha256Hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}
