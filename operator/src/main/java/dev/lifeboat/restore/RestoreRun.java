package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestSpec;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.api.v1alpha1.RestoreTarget;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.CommandContainers;
import dev.lifeboat.common.ConditionWriter;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.JobIdentity;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.Problem;
import dev.lifeboat.common.RunMetrics;
import dev.lifeboat.common.StatusCopy;
import dev.lifeboat.common.StuckPods;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one RestoreRequest: its status copy, the source resolved for this reconcile,
 * and the ways a step ends — passed on to the next stage, failed, or finished. Steps return
 * {@link #next()} to go straight on, or a real-time wait.
 */
final class RestoreRun {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);

  final RestoreRequestStatus status;
  final RestoreRequestSpec spec;
  final String namespace;
  /** The PVC restored into; null when the target is a command. */
  final String target;
  final Instant now;
  final Checked<ResolvedSource> source;
  final ConditionWriter conditions;
  private final KubernetesClient client;
  private final EventRecorder events;
  private final RunMetrics metrics;
  private RestoreRequest request;
  private RestoreRequestStatus written;

  RestoreRun(KubernetesClient client, EventRecorder events, RunMetrics metrics, RestoreRequest request,
      Checked<ResolvedSource> source, Instant now) {
    this.metrics = metrics;
    this.client = client;
    this.events = events;
    this.request = request;
    this.written = request.getStatus();
    this.status = StatusCopy.of(request.getStatus(), RestoreRequestStatus::new);
    this.spec = request.getSpec();
    this.namespace = request.getMetadata().getNamespace();
    this.target = RestoreTarget.claimName(spec.target);
    this.now = now;
    this.source = source;
    this.conditions = new ConditionWriter(status.conditions, request.getMetadata().getGeneration(), now);
    status.observedGeneration = request.getMetadata().getGeneration();
    if (status.stage == null) {
      status.stage = RestoreStage.Pending;
    }
  }

  RestoreRequest request() {
    return request;
  }

  String name() {
    return request.getMetadata().getName();
  }

  /** The step's Job: this request's existing one, or empty after creating it now. */
  Optional<Job> job(Jobs jobs, String step, Supplier<Job> desired) {
    return jobs.findOrCreate(request, namespace, RestoreJobBuilder.jobName(request, step), desired);
  }

  /**
   * A step's Job that has not finished. While its pod may still start: the wait before looking
   * again, {@code poll} or less when a pod in trouble turns stuck sooner. Once the pod cannot start
   * ({@link StuckPods}: a missing Secret or key, an image that cannot be pulled, no node fits) the
   * Job is deleted, since it would wait forever, and the run fails with the step's condition, reason
   * JobCannotStart, {@code failure} followed by why; then it returns {@link #next()} (empty).
   */
  Optional<Duration> awaitStart(Jobs jobs, Job job, Duration poll, String conditionType, String failure) {
    StuckPods.Start start = StuckPods.of(jobs, job);
    Optional<Problem> stuck = start.stuck(job, now);
    if (stuck.isEmpty()) {
      return Optional.of(start.recheck(now, poll));
    }
    LOG.info("restore {}/{}: deleting Job {}: {}", namespace, name(), job.getMetadata().getName(), stuck.get().message());
    jobs.delete(namespace, job.getMetadata().getName());
    return fail(conditionType, stuck.get().reason(), failure + stuck.get().message());
  }

  /** The target as the step's Job mounts it, saying in a condition as whom the Job runs. */
  RestoreJobBuilder.Target jobTarget(TargetClaim targets, RestoreJobBuilder builder) {
    RestoreJobBuilder.Target mounted = targets.forJob(namespace, target);
    JobTemplate template = RestoreJobBuilder.template(request, source.value());
    JobIdentity.report(conditions, mounted.identity(), template == null ? null : template.podSecurityContext,
        builder.privileged(request), "restore Jobs");
    return mounted;
  }

  /** Go straight on with the stage the step moved to. */
  static Optional<Duration> next() {
    return Optional.empty();
  }

  /** Moves on to {@code stage} at once. */
  Optional<Duration> moveTo(RestoreStage stage) {
    status.stage = stage;
    return next();
  }

  /** A step done: its condition True, its message the restore's, on to the next stage. */
  Optional<Duration> pass(String conditionType, String reason, String message, RestoreStage next) {
    conditions.set(conditionType, true, reason, message);
    status.message = message;
    return moveTo(next);
  }

  Optional<Duration> fail(String conditionType, Problem problem) {
    return fail(conditionType, problem.reason(), problem.message());
  }

  /** Records a failure; workloads already scaled down are scaled back before the restore ends. */
  Optional<Duration> fail(String conditionType, String reason, String message) {
    String full = message;
    if (status.safetyBackup != null && status.safetyBackup.id != null) {
      full = full + "; the previous contents are in safety backup " + status.safetyBackup.id;
    }
    conditions.set(conditionType, false, reason, full);
    if (!ConditionTypes.RESTORED.equals(conditionType)) {
      conditions.set(ConditionTypes.RESTORED, false, reason, full);
    }
    status.message = full;
    return status.scaledDown != null ? moveTo(RestoreStage.ScalingUp) : finish();
  }

  /** Ends the restore: Succeeded when the data is back, else Failed; an Event says which. */
  Optional<Duration> finish() {
    boolean succeeded = conditions.isTrue(ConditionTypes.RESTORED);
    status.phase = succeeded ? RestorePhase.Succeeded : RestorePhase.Failed;
    status.stage = RestoreStage.Done;
    status.completionTime = Times.rfc3339(now);
    if (succeeded) {
      events.normal(request, Reasons.RESTORE_SUCCEEDED, status.message);
    } else {
      events.warning(request, Reasons.RESTORE_FAILED, status.message);
    }
    LOG.info("restore {}/{} {}: {}", namespace, name(), status.phase, status.message);
    Instant started = Times.parse(status.startTime);
    metrics.restoreFinished(namespace, status.phase, started == null ? null : Duration.between(started, now));
    return next();
  }

  void normalEvent(String reason, String message) {
    events.normal(request, reason, message);
  }

  void warningEvent(String reason, String message) {
    events.warning(request, reason, message);
  }

  /** "; PVC x is in use by pod y …" while the restore runs underneath an app that was not scaled down. */
  String inUseNote() {
    return conditions.find(ConditionTypes.WORKLOADS_SCALED_DOWN)
        .filter(c -> Reasons.CLAIM_IN_USE.equals(c.getReason()))
        .map(c -> "; " + c.getMessage()).orElse("");
  }

  /** Whether the restore streams a dump into spec.target.command rather than writing a volume. */
  boolean intoCommand() {
    return target == null;
  }

  /** What is restored into, for messages: the claim (at its subPath), or the command's container. */
  String targetDescription() {
    if (intoCommand()) {
      return "the command of container " + CommandContainers.TARGET_CONTAINER + " (image " + spec.target.command.image + ")";
    }
    return "PersistentVolumeClaim " + target
        + (spec.target.subPath == null || spec.target.subPath.isEmpty() ? "" : " at " + spec.target.subPath);
  }

  /** Writes the status whole, on the object last read, when it changed since the last write. */
  void persist() {
    request = StatusCopy.writeIfChanged(client, request, written, status);
    written = StatusCopy.of(status, RestoreRequestStatus::new);
  }
}
