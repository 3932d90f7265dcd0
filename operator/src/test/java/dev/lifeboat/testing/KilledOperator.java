package dev.lifeboat.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * An operator that is killed — just before one of its writes ({@link OperatorCrash}), or between
 * two reconciles while it waits for a Job — and replaced by a brand-new instance, which reconciles
 * at once as JOSDK does at start and carries on from whatever the dead one left in the API server.
 */
public final class KilledOperator implements AutoCloseable {
  private final KubernetesClient apiServer;
  private final ReconcileHarness harness;
  private final OperatorCrash crash;
  private final int killBeforeReconcile;
  private int reconciles;
  private boolean replaced;

  private KilledOperator(KubernetesClient apiServer, ReconcileHarness harness, int killBeforeWrite,
      int killBeforeReconcile) {
    this.apiServer = apiServer;
    this.harness = harness;
    this.crash = new OperatorCrash(apiServer, killBeforeWrite);
    this.killBeforeReconcile = killBeforeReconcile;
    harness.newOperatorInstance(crash.client());
  }

  /** Never killed: counts the writes and reconciles there are to kill at. */
  public static KilledOperator never(KubernetesClient apiServer, ReconcileHarness harness) {
    return new KilledOperator(apiServer, harness, OperatorCrash.NEVER, 0);
  }

  /** Killed just before its write number {@code n} (1-based), even in the middle of a reconcile. */
  public static KilledOperator beforeWrite(KubernetesClient apiServer, ReconcileHarness harness, int n) {
    return new KilledOperator(apiServer, harness, n, 0);
  }

  /** Killed between reconciles: reconcile number {@code n} (1-based) is the new instance's first. */
  public static KilledOperator beforeReconcile(KubernetesClient apiServer, ReconcileHarness harness, int n) {
    return new KilledOperator(apiServer, harness, OperatorCrash.NEVER, n);
  }

  /** One reconcile by whichever instance runs now; when that kills the first, the second takes over there. */
  public void reconcile(Runnable reconcile) {
    reconciles++;
    if (reconciles == killBeforeReconcile) {
      replaced = true;
      harness.newOperatorInstance(apiServer);
    }
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

  /** How many reconciles the scenario asked for. */
  public int reconciles() {
    return reconciles;
  }

  public boolean replaced() {
    return replaced;
  }

  @Override
  public void close() {
    crash.close();
  }
}
