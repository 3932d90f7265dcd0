package dev.lifeboat.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * An operator that is killed just before one of its writes ({@link OperatorCrash}) and replaced by
 * a brand-new instance, which reconciles at once as JOSDK does at start and carries on from
 * whatever the dead one left in the API server.
 */
public final class KilledOperator implements AutoCloseable {
  private final KubernetesClient apiServer;
  private final ReconcileHarness harness;
  private final OperatorCrash crash;
  private boolean replaced;

  /** Starts the instance that will be killed; {@code killBefore} is {@link OperatorCrash#NEVER} to only count writes. */
  public KilledOperator(KubernetesClient apiServer, ReconcileHarness harness, int killBefore) {
    this.apiServer = apiServer;
    this.harness = harness;
    this.crash = new OperatorCrash(apiServer, killBefore);
    harness.newOperatorInstance(crash.client());
  }

  /** One reconcile by whichever instance runs now; when that kills the first, the second takes over there. */
  public void reconcile(Runnable reconcile) {
    try {
      reconcile.run();
    } catch (RuntimeException e) {
      if (!crash.dead() || replaced) {
        throw e;
      }
      // The process died mid-reconcile: what it failed to write is simply not there.
    }
    if (crash.dead() && !replaced) {
      replaced = true;
      harness.newOperatorInstance(apiServer);
      reconcile.run();
    }
  }

  /** The writes the first instance made before it was killed (all of them when it never was). */
  public List<String> writes() {
    return crash.writes();
  }

  public boolean replaced() {
    return replaced;
  }

  @Override
  public void close() {
    crash.close();
  }
}
