package dev.lifeboat.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * What both controllers do when a reconcile throws: JOSDK retries with backoff, and once its
 * retries are exhausted the object is still looked at again later, so schedules, alerts and
 * scaled-down workloads are never abandoned for good.
 */
public final class ReconcileRetries {
  /** Real time before an object whose reconciles kept failing is tried again. */
  public static final Duration AFTER_EXHAUSTED = Duration.ofMinutes(1);

  private ReconcileRetries() {}

  public static <P extends HasMetadata> ErrorStatusUpdateControl<P> keepTrying(P resource, Context<P> context,
      Exception e, Logger log) {
    log.warn("reconciling {} {}/{} failed: {}", resource.getKind(), resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(), e.toString());
    ErrorStatusUpdateControl<P> control = ErrorStatusUpdateControl.noStatusUpdate();
    if (context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(false)) {
      control.rescheduleAfter(AFTER_EXHAUSTED);
    }
    return control;
  }
}
