package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ContainerResource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pods/log as the operator reads it, through the fabric8 client, from the job runner's log files. */
class PodLogDispatcherTest {
  static final String NS = "notes";
  @TempDir
  Path state;
  Sandbox sandbox;

  @BeforeEach
  void start() {
    sandbox = Sandbox.start(state, 0, 1);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  ContainerResource agentOf(String pod) {
    return sandbox.client().pods().inNamespace(NS).withName(pod).inContainer("agent");
  }

  void podWithLog(String name, String log) throws Exception {
    Path file = PodLogDispatcher.logFile(state, NS, name, "agent");
    Files.createDirectories(file.getParent());
    Files.writeString(file, log, StandardCharsets.UTF_8);
    sandbox.client().pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec().addNewContainer().withName("agent").withImage("lifeboat").endContainer().endSpec()
        .build()).create();
  }

  @Test
  void theClientReadsTheWholeLogAndItsLastLines() throws Exception {
    podWithLog("backup-abcde", "listing\nuploading 2 files\ndone: 2 files\n");

    assertThat(agentOf("backup-abcde").getLog()).isEqualTo("listing\nuploading 2 files\ndone: 2 files\n");
    assertThat(agentOf("backup-abcde").tailingLines(2).getLog()).isEqualTo("uploading 2 files\ndone: 2 files\n");
    assertThat(agentOf("backup-abcde").tailingLines(10).getLog()).isEqualTo("listing\nuploading 2 files\ndone: 2 files\n");
  }

  @Test
  void limitBytesCutsFromTheStartOfWhatTailingLinesPicked() throws Exception {
    podWithLog("backup-fghij", "one\ntwo\nthree\n");

    assertThat(agentOf("backup-fghij").limitBytes(5).getLog()).isEqualTo("one\nt");
    assertThat(agentOf("backup-fghij").limitBytes(3).tailingLines(2).getLog()).isEqualTo("two");
  }

  @Test
  void aPodWithoutALogIsNotFound() {
    sandbox.client().pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName("pending").withNamespace(NS).endMetadata()
        .withNewSpec().addNewContainer().withName("agent").withImage("lifeboat").endContainer().endSpec()
        .build()).create();

    assertThatThrownBy(() -> agentOf("pending").getLog()).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void everythingElseIsStillTheCrudApiServer() throws Exception {
    podWithLog("backup-klmno", "done\n");

    Pod pod = sandbox.client().pods().inNamespace(NS).withName("backup-klmno").get();
    assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> assertThat(c.getName()).isEqualTo("agent"));
  }

  @Test
  void theLastLinesOfALogWithoutAFinalNewlineIncludeTheUnfinishedLine() {
    byte[] log = "a\nb\nc".getBytes(StandardCharsets.UTF_8);

    assertThat(PodLogDispatcher.startOfLastLines(log, 2)).isEqualTo(2);
    assertThat(PodLogDispatcher.startOfLastLines(log, 0)).isEqualTo(log.length);
    assertThat(PodLogDispatcher.startOfLastLines(new byte[0], 3)).isZero();
  }
}
