package dev.lifeboat.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election as Lifeboat runs it. A replica that loses the Lease while running must stop
 * acting at once, since another one now does: {@code onLost} runs (in production the process
 * exits and Kubernetes restarts it as a standby). Stopping on purpose gives the Lease up too, and
 * that must not count as losing it: JOSDK's own exit-on-stop would call System.exit from inside
 * the SIGTERM shutdown hook, where it blocks forever, so the pod would hang until killed. Once
 * stopped, the replica hands the Lease over ({@link #release}) rather than leaving the standby to
 * wait for it to expire.
 */
final class LeaderLease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);
  /** What a production replica does when its Lease is taken from it. */
  static final Runnable EXIT = () -> {
    LOG.error("lost the Lease {} to another replica; exiting so that only the leader acts", OperatorSettings.LEASE_NAME);
    System.exit(1);
  };

  private final Runnable onLost;
  private final String identity;
  private volatile boolean stopping;

  /** {@code identity} empty: the pod's name (HOSTNAME), as JOSDK would take it, else a random one. */
  LeaderLease(String identity, Runnable onLost) {
    this.onLost = onLost;
    String host = System.getenv("HOSTNAME");
    this.identity = !identity.isEmpty() ? identity
        : host != null && !host.isBlank() ? host : UUID.randomUUID().toString();
  }

  /** JOSDK's configuration: the Lease, its terms, and our own reaction to losing it instead of JOSDK's exit. */
  LeaderElectionConfiguration configuration(OperatorSettings settings) {
    OperatorSettings.LeaseTerms terms = settings.leaseTerms();
    return new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME,
        settings.leaseNamespace().isEmpty() ? null : settings.leaseNamespace(),
        terms.duration(), terms.renewDeadline(), terms.retryPeriod(), identity,
        new LeaderCallbacks(() -> LOG.info("leading: this replica acts"), this::stoppedLeading, leader -> {}),
        false);
  }

  /** Called before the operator stops on purpose. */
  void stopping() {
    stopping = true;
  }

  /**
   * Called once the operator has stopped: if this replica still holds the Lease, it is emptied so a
   * standby takes it at its next try. A Lease changed meanwhile (another holder) is left alone.
   */
  void release(KubernetesClient client, OperatorSettings settings) {
    String namespace = settings.leaseNamespace().isEmpty() ? client.getNamespace() : settings.leaseNamespace();
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(OperatorSettings.LEASE_NAME).get();
      if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity("");
      client.leases().inNamespace(namespace).resource(lease).update(); // locked to the version read
      LOG.info("released the Lease {}/{}", namespace, OperatorSettings.LEASE_NAME);
    } catch (KubernetesClientException e) {
      LOG.warn("could not release the Lease {}/{} ({}); it expires by itself", namespace, OperatorSettings.LEASE_NAME,
          e.getMessage());
    }
  }

  private void stoppedLeading() {
    if (!stopping) {
      onLost.run();
    }
  }
}
