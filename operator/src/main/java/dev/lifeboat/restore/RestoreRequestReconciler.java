package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.common.ControllerSettings;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.LifeboatClock;
import dev.lifeboat.common.Reporting;
import dev.lifeboat.common.RunMetrics;
import dev.lifeboat.common.ReconcileRetries;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orchestrates one RestoreRequest through its stages (Pending, Resolving, ScalingDown,
 * SafetyBackup, Restoring, ScalingUp, Done): looks up the step of the stage in status and runs
 * steps until one has to wait. Every step's result is written to status before the next step acts
 * on it, so a restarted operator resumes where it stopped.
 */
@ControllerConfiguration(name = RestoreRequestReconciler.NAME)
public class RestoreRequestReconciler implements Reconciler<RestoreRequest>, Cleaner<RestoreRequest> {
  /** While a deleted request's Job pods stop, it is looked at again this often. */
  static final Duration CLEANUP_RECHECK = Duration.ofSeconds(2);
  public static final String NAME = "restorerequest";
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRequestReconciler.class);

  private final KubernetesClient client;
  private final LifeboatClock clock;
  private final SourceResolver sources;
  private final EventRecorder events;
  private final RestoreSteps steps;
  private final AbandonedRestore abandoned;
  private final RunMetrics metrics;

  public RestoreRequestReconciler(KubernetesClient client, LifeboatClock clock, ControllerSettings settings) {
    this(client, clock, settings, Reporting.NONE);
  }

  public RestoreRequestReconciler(KubernetesClient client, LifeboatClock clock, ControllerSettings settings,
      Reporting reporting) {
    this.metrics = reporting.metrics();
    this.client = client;
    this.clock = clock;
    this.sources = new SourceResolver(client, settings.crossNamespace());
    this.events = new EventRecorder(client, clock);
    this.steps = new RestoreSteps(client, settings);
    this.abandoned = new AbandonedRestore(client, new WorkloadScaler(client));
  }

  /** A request deleted mid-restore scales the app back before it goes ({@link AbandonedRestore}). */
  @Override
  public DeleteControl cleanup(RestoreRequest request, Context<RestoreRequest> context) {
    RestoreRequest current = client.resource(request).get();
    if (abandoned.cleanUp(current != null ? current : request)) {
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RECHECK);
  }

  @Override
  public List<EventSource<?, RestoreRequest>> prepareEventSources(EventSourceContext<RestoreRequest> context) {
    return List.of(Jobs.informer(RestoreRequest.class, RestoreJobBuilder.COMPONENT, context));
  }

  @Override
  public UpdateControl<RestoreRequest> reconcile(RestoreRequest cached, Context<RestoreRequest> context) {
    // Read fresh, as the BackupPolicy controller does: the status is this controller's memory.
    RestoreRequest request = client.resource(cached).get();
    if (request == null) {
      return UpdateControl.noUpdate();
    }
    if (request.getStatus() != null && request.getStatus().stage == RestoreStage.Done) {
      RestoreReadiness.reportFinished(client, request, clock.instant());
      return UpdateControl.noUpdate();
    }
    RestoreRun run = new RestoreRun(client, events, metrics, request, sources.resolve(request), clock.instant());
    Optional<Duration> wait = advance(run);
    RestoreReadiness.report(run.status, run.conditions);
    run.persist();
    UpdateControl<RestoreRequest> control = UpdateControl.noUpdate();
    // Steps wait in real time: they poll Jobs and pods, whose pace the operator's clock does not set.
    wait.ifPresent(control::rescheduleAfter);
    return control;
  }

  /** Runs steps until one has to wait (the real time to wait) or the restore is done (empty). */
  private Optional<Duration> advance(RestoreRun run) {
    while (run.status.stage != RestoreStage.Done) {
      RestoreStep step = steps.of(run.status.stage);
      Optional<Duration> wait = step.readsSource() && !run.source.ok()
          ? run.fail(ConditionTypes.BACKUP_RESOLVED, run.source.problem())
          : step.advance(run);
      if (wait.isPresent()) {
        return wait;
      }
    }
    return Optional.empty();
  }

  @Override
  public ErrorStatusUpdateControl<RestoreRequest> updateErrorStatus(RestoreRequest request,
      Context<RestoreRequest> context, Exception e) {
    // Workloads may be scaled down: never give up on a restore for good.
    return ReconcileRetries.keepTrying(request, context, e, LOG);
  }
}
