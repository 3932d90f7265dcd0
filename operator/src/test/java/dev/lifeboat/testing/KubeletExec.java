package dev.lifeboat.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;

/**
 * Plays the kubelet's side of the exec API on the mock server (its expectations answer before
 * the CRUD store does): a command in a container answers with the stream messages a test
 * chooses (OutputStreamMessage, ErrorStreamMessage, StatusStreamMessage), and app pods to exec into.
 */
public final class KubeletExec {
  private KubeletExec() {}

  /** The request fabric8 makes for this command (stdout and stderr, no stdin, no tty). */
  public static String path(String namespace, String pod, String container, String... command) {
    StringBuilder path = new StringBuilder("/api/v1/namespaces/" + namespace + "/pods/" + pod + "/exec?");
    for (String part : command) {
      path.append("command=").append(part).append('&');
    }
    return path.append("container=").append(container).append("&stdout=true&stderr=true").toString();
  }

  /**
   * The command answers with these messages once, then its stream stays open (a real one closes
   * right after the status; held open here, waiting for input the client never sends, so a test
   * does not depend on whether the client reads the status or the close first).
   */
  public static void answers(KubernetesMockServer server, String path, Object... messages) {
    server.expect().get().withPath(path).andUpgradeToWebSocket().open(messages)
        .expect("input that never comes").andEmit(new OutputStreamMessage("")).once().done().once();
  }

  /** A Running app pod with one container, mounting {@code claim} when not null. */
  public static Pod runningPod(String namespace, String name, String container, String claim) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToLabels("app", "notes").endMetadata()
        .withNewSpec().withNodeName("node-a").addNewContainer().withName(container).withImage("notes:1").endContainer()
        .endSpec().withNewStatus().withPhase("Running").endStatus();
    if (claim != null) {
      pod.editSpec().addNewVolume().withName("data").withNewPersistentVolumeClaim(claim, false).endVolume().endSpec();
    }
    return pod.build();
  }
}
