package dev.lifeboat.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.Main;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How `lifeboat operator` fails when it cannot start, as a log collector reads its output. */
class StartupErrorTest {

  @Test
  void aConfigurationErrorIsOneJsonLineAndExitCodeOne() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "operator")
        .redirectErrorStream(true);
    builder.environment().put("LIFEBOAT_LOG_FORMAT", "json");
    // The webhook's Secret without the namespace it lives in: refused before the operator starts.
    builder.environment().put("LIFEBOAT_WEBHOOK_SECRET", "lifeboat-webhook");
    builder.environment().remove("LIFEBOAT_NAMESPACE");
    builder.environment().put("KUBECONFIG", new File("does-not-exist").getAbsolutePath());
    Process process = builder.start();
    process.getOutputStream().close();

    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isEqualTo(1);
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as(output).singleElement();
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertThat(line.get("level").asText()).isEqualTo("ERROR");
    assertThat(Instant.parse(line.get("timestamp").asText())).isNotNull();
    assertThat(line.get("message").asText()).startsWith("the operator could not start: ")
        .contains("LIFEBOAT_WEBHOOK_SECRET needs LIFEBOAT_NAMESPACE");
    assertThat(line.get("exception").asText()).startsWith("java.lang.IllegalArgumentException");
  }
}
