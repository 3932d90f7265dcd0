package dev.lifeboat.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;

/**
 * An operator that is killed — just before one of its writes ({@link OperatorCrash}), or between
 * two reconciles while it waits for a Job — and replaced by a brand-new instance, which reconciles
 * as soon as it is up — {@link #RESTART} later on the cluster's clock, as a pod takes a while to come
 * back — and carries on from whatever the dead one left in the API server.
 */
public final class KilledOperator implements AutoCloseable {
  /** How long the replacement takes to start. */
  public static final Duration RESTART = Duration.ofSeconds(20);
  private final ReconcileHarness harness;
  private final MutableClock clock;
  private final OperatorCrash crash;
  /** The replacement's own client, never killed. */
  private final OperatorCrash replacement;
  private final int killBeforeReconcile;
  private int reconciles;
  private boolean replaced;

  private KilledOperator(KubernetesClient apiServer, ReconcileHarness harness, MutableClock clock, int killBeforeWrite,
      int killBeforeReconcile) {
    this.harness = harness;
    this.clock = clock;
    this.crash = new OperatorCrash(apiServer, killBeforeWrite);
    this.replacement = new OperatorCrash(apiServer, OperatorCrash.NEVER);
    this.killBeforeReconcile = killBeforeReconcile;
    harness.newOperatorInstance(crash.client());
  }

  /** Never killed: counts the writes and reconciles there are to kill at. */
  public static KilledOperator never(KubernetesClient apiServer, ReconcileHarness harness, MutableClock clock) {
    return new KilledOperator(apiServer, harness, clock, OperatorCrash.NEVER, 0);
  }

  /** Killed just before its write number {@code n} (1-based), even in the middle of a reconcile. */
  public static KilledOperator beforeWrite(KubernetesClient apiServer, ReconcileHarness harness, MutableClock clock,
      int n) {
    return new KilledOperator(apiServer, harness, clock, n, 0);
  }

  /** Killed between reconciles: reconcile number {@code n} (1-based) is the new instance's first. */
  public static KilledOperator beforeReconcile(KubernetesClient apiServer, ReconcileHarness harness,
      MutableClock clock, int n) {
    return new KilledOperator(apiServer, harness, clock, OperatorCrash.NEVER, n);
  }

  /** One reconcile by whichever instance runs now; when that kills the first, the second takes over there. */
  public void reconcile(Runnable reconcile) {
    reconciles++;
    if (reconciles == killBeforeReconcile) {
      replace();
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
      replace();
      reconcile.run();
    }
  }

  private void replace() {
    replaced = true;
    clock.advance(RESTART);
    harness.newOperatorInstance(replacement.client());
  }

  /** The writes the first instance made before it was killed (all of them when it never was). */
  public List<String> writes() {
    return crash.writes();
  }

  /** How many Jobs the two instances created between them. */
  public int jobsCreated() {
    return crash.jobsCreated() + replacement.jobsCreated();
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
    replacement.close();
  }
}
