package dev.lifeboat.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every reconciler test against the mock API server ({@link ScaleSubresource#crudServer()})
 * starts from: the CRDs the build generated, a test clock, the harness that plays JOSDK, the Job controller and the kubelet, and
 * the app's bound claim in the fixture namespace.
 */
public abstract class ControllerTest {
  protected KubernetesClient client;
  protected KubernetesMockServer server;
  protected MutableClock clock;
  protected ReconcileHarness harness;

  /** Where the test's clock starts (RFC 3339); creating a policy moves it to the policy's creation time. */
  protected String clockStart() {
    return "2025-11-08T10:00:00Z";
  }

  @BeforeEach
  void startCluster() {
    server = ScaleSubresource.crudServer();
    client = server.createClient();
    ReconcileHarness.installCrds(client);
    clock = MutableClock.at(clockStart());
    harness = new ReconcileHarness(client, server, clock);
    client.persistentVolumeClaims().inNamespace(Fixtures.NAMESPACE).resource(Fixtures.boundClaim(Fixtures.CLAIM)).create();
  }

  @AfterEach
  void stopCluster() {
    client.close();
    server.destroy();
  }
}
