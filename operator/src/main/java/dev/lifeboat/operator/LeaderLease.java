package dev.lifeboat.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election as Lifeboat runs it. A replica that loses the Lease while running must stop
 * acting at once, since another one now does: {@code onLost} runs (in production the process
 * exits and Kubernetes restarts it as a standby). Stopping on purpose gives the Lease up too, and
 * that must not count as losing it: JOSDK's own exit-on-stop would call System.exit from inside
 * the SIGTERM shutdown hook, where it blocks forever, so the pod would hang until killed.
 */
final class LeaderLease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);
  /** What a production replica does when its Lease is taken from it. */
  static final Runnable EXIT = () -> {
    LOG.error("lost the Lease {} to another replica; exiting so that only the leader acts", OperatorSettings.LEASE_NAME);
    System.exit(1);
  };

  private final Runnable onLost;
  private volatile boolean stopping;

  LeaderLease(Runnable onLost) {
    this.onLost = onLost;
  }

  /** JOSDK's configuration: the Lease, its terms, and our own reaction to losing it instead of JOSDK's exit. */
  LeaderElectionConfiguration configuration(OperatorSettings settings) {
    OperatorSettings.LeaseTerms terms = settings.leaseTerms();
    return new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME,
        settings.leaseNamespace().isEmpty() ? null : settings.leaseNamespace(),
        terms.duration(), terms.renewDeadline(), terms.retryPeriod(),
        terms.identity().isEmpty() ? null : terms.identity(),
        new LeaderCallbacks(() -> LOG.info("leading: this replica acts"), this::stoppedLeading, leader -> {}),
        false);
  }

  /** Called before the operator stops on purpose. */
  void stopping() {
    stopping = true;
  }

  private void stoppedLeading() {
    if (!stopping) {
      onLost.run();
    }
  }
}
