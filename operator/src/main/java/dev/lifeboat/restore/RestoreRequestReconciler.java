package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreMode;
import dev.lifeboat.api.v1alpha1.RestoreProgress;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestSpec;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.RestoredBackup;
import dev.lifeboat.api.v1alpha1.SafetyBackupRef;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.backuppolicy.ClaimResolver;
import dev.lifeboat.backuppolicy.JobOutcomeReader;
import dev.lifeboat.common.AgentJob;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.LifeboatClock;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.PodLogs;
import dev.lifeboat.common.StatusCopy;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orchestrates one RestoreRequest through its stages: resolve the backup (a list Job), scale the
 * writers down, take the safety backup, restore, scale back. Every step's result is written to
 * status before the next step acts on it, so a restarted operator resumes where it stopped; the
 * decisions live in the collaborators.
 */
@ControllerConfiguration(name = RestoreRequestReconciler.NAME)
public class RestoreRequestReconciler implements Reconciler<RestoreRequest> {
  public static final String NAME = "restorerequest";
  static final String JOB_SELECTOR = Lifeboat.MANAGED_BY_LABEL + "=" + Lifeboat.MANAGED_BY_VALUE + ","
      + Lifeboat.COMPONENT_LABEL + "=" + RestoreJobBuilder.COMPONENT;
  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  /** Real time between looks while pods stop; the Job informer wakes the controller for Jobs. */
  static final Duration POLL = Duration.ofSeconds(2);
  /** Real time between progress reads from the restore pod's log. */
  static final Duration PROGRESS_REFRESH = Duration.ofSeconds(3);
  /** A missed Job event is made up for after this long. */
  static final Duration JOB_RECHECK = Duration.ofSeconds(15);
  static final Duration CLAIM_RECHECK = Duration.ofSeconds(10);
  /** Operator-clock time the scaled-down pods get to stop before the restore gives up. */
  static final Duration SCALE_DOWN_TIMEOUT = Duration.ofMinutes(5);
  static final Duration RETRY_AFTER_EXHAUSTED = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRequestReconciler.class);

  private final KubernetesClient client;
  private final LifeboatClock clock;
  private final SourceResolver sources;
  private final TargetClaim targets;
  private final WorkloadScaler scaler;
  private final ClaimResolver claims;
  private final JobOutcomeReader outcomes;
  private final PodLogs logs;
  private final RestoreJobBuilder jobs;
  private final EventRecorder events;

  public RestoreRequestReconciler(KubernetesClient client, LifeboatClock clock, String agentImage,
      CrossNamespaceRestore crossNamespace) {
    this.client = client;
    this.clock = clock;
    this.sources = new SourceResolver(client, crossNamespace);
    this.targets = new TargetClaim(client);
    this.scaler = new WorkloadScaler(client);
    this.claims = new ClaimResolver(client);
    this.outcomes = new JobOutcomeReader(client);
    this.logs = new PodLogs(client);
    this.jobs = new RestoreJobBuilder(agentImage);
    this.events = new EventRecorder(client, clock);
  }

  @Override
  public List<EventSource<?, RestoreRequest>> prepareEventSources(EventSourceContext<RestoreRequest> context) {
    var restoreJobs = InformerEventSourceConfiguration.from(Job.class, RestoreRequest.class)
        .withLabelSelector(JOB_SELECTOR)
        .withNamespacesInheritedFromController()
        .build();
    return List.of(new InformerEventSource<>(restoreJobs, context));
  }

  @Override
  public UpdateControl<RestoreRequest> reconcile(RestoreRequest cached, Context<RestoreRequest> context) {
    // Read fresh, as the BackupPolicy controller does: the status is this controller's memory.
    RestoreRequest request = client.resources(RestoreRequest.class).inNamespace(cached.getMetadata().getNamespace())
        .withName(cached.getMetadata().getName()).get();
    if (request == null || request.getStatus() != null && RestoreStage.Done.name().equals(request.getStatus().stage)) {
      return UpdateControl.noUpdate();
    }
    Restore restore = new Restore(request);
    Optional<Duration> wait = restore.advance();
    restore.persist();
    UpdateControl<RestoreRequest> control = UpdateControl.noUpdate();
    wait.ifPresent(control::rescheduleAfter);
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<RestoreRequest> updateErrorStatus(RestoreRequest request,
      Context<RestoreRequest> context, Exception e) {
    LOG.warn("reconciling restore {}/{} failed: {}", request.getMetadata().getNamespace(),
        request.getMetadata().getName(), e.toString());
    ErrorStatusUpdateControl<RestoreRequest> control = ErrorStatusUpdateControl.noStatusUpdate();
    if (context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(false)) {
      // Workloads may be scaled down: never give up on a restore for good.
      control.rescheduleAfter(RETRY_AFTER_EXHAUSTED);
    }
    return control;
  }

  /** One reconcile of one RestoreRequest: its status copy, worked on stage by stage. */
  private final class Restore {
    private RestoreRequest request;
    private RestoreRequestStatus before;
    private final RestoreRequestStatus status;
    private final RestoreRequestSpec spec;
    private final String namespace;
    private final String target;
    private final Instant now = clock.instant();

    Restore(RestoreRequest request) {
      this.request = request;
      this.before = request.getStatus();
      this.status = StatusCopy.of(request.getStatus(), RestoreRequestStatus::new);
      this.spec = request.getSpec();
      this.namespace = request.getMetadata().getNamespace();
      this.target = TargetClaim.name(spec.target);
      status.observedGeneration = request.getMetadata().getGeneration();
    }

    /** Runs stages until one has to wait (the real time to wait) or the restore is done (empty). */
    Optional<Duration> advance() {
      SourceResolver.Resolution source = sources.resolve(request);
      while (true) {
        if (status.stage == null) {
          Optional<Duration> wait = begin(source);
          if (wait.isPresent() || status.stage == null) {
            return wait;
          }
          continue;
        }
        RestoreStage stage = RestoreStage.valueOf(status.stage);
        if (stage == RestoreStage.Done) {
          return Optional.empty();
        }
        if (stage != RestoreStage.ScalingUp) {
          if (!source.ok()) {
            fail(ConditionTypes.BACKUP_RESOLVED, source.problemReason(), source.problem());
            continue;
          }
        }
        Optional<Duration> wait = switch (stage) {
          case Resolving -> resolve(source.source());
          case ScalingDown -> scaleDown();
          case SafetyBackup -> safetyBackup(source.source());
          case Restoring -> restore(source.source());
          case ScalingUp -> scaleUp();
          case Done -> Optional.empty();
        };
        if (wait.isPresent()) {
          return wait;
        }
      }
    }

    /** Checks what can be checked without S3, prepares the target claim, and starts. */
    private Optional<Duration> begin(SourceResolver.Resolution source) {
      status.phase = status.phase == null ? PENDING : status.phase;
      if (!source.ok()) {
        return fail(ConditionTypes.BACKUP_RESOLVED, source.problemReason(), source.problem());
      }
      String subPathProblem = TargetClaim.subPathProblem(spec.target);
      if (subPathProblem != null) {
        return fail(ConditionTypes.RESTORED, Reasons.INVALID_SPEC, subPathProblem);
      }
      TargetClaim.Check claim = targets.prepare(request);
      if (!claim.ready()) {
        if (Reasons.WAITING_FOR_CLAIM.equals(claim.reason())) {
          status.message = claim.message();
          Conditions.set(status.conditions, ConditionTypes.RESTORED, Conditions.FALSE, claim.reason(), claim.message(),
              status.observedGeneration, now);
          return Optional.of(CLAIM_RECHECK);
        }
        return fail(ConditionTypes.RESTORED, claim.reason(), claim.message());
      }
      status.phase = RUNNING;
      status.startTime = Times.rfc3339(now);
      status.stage = RestoreStage.Resolving.name();
      status.message = "finding the backup in " + source.source().describe();
      Conditions.set(status.conditions, ConditionTypes.RESTORED, Conditions.FALSE, Reasons.RESTORE_IN_PROGRESS,
          "restore started", status.observedGeneration, now);
      events.normal(request, Reasons.RESTORE_STARTED, "restore into PersistentVolumeClaim " + target + " started; "
          + status.message);
      return Optional.empty();
    }

    private Optional<Duration> resolve(ResolvedSource source) {
      Optional<Job> job = ensureJob(RestoreJobBuilder.LIST_STEP, () -> jobs.list(request, source));
      if (job.isEmpty() || !JobOutcomeReader.finished(job.get())) {
        return Optional.of(JOB_RECHECK);
      }
      JobOutcomeReader.Outcome outcome = outcomes.read(job.get()).orElseThrow();
      if (!outcome.succeeded()) {
        return fail(ConditionTypes.BACKUP_RESOLVED, Reasons.LISTING_FAILED, "listing " + source.describe()
            + " failed: " + outcome.message());
      }
      List<ListedBackup> listing;
      try {
        listing = ListedBackup.parseLog(logs.all(job.get()).orElse(null));
      } catch (IllegalArgumentException e) {
        return fail(ConditionTypes.BACKUP_RESOLVED, Reasons.LISTING_FAILED, "listing " + source.describe()
            + ": " + e.getMessage());
      }
      BackupChoice.Result choice = BackupChoice.choose(spec.source, source, listing);
      if (!choice.ok()) {
        return fail(ConditionTypes.BACKUP_RESOLVED, choice.problemReason(), choice.problem());
      }
      ListedBackup backup = choice.backup();
      status.backup = new RestoredBackup();
      status.backup.id = backup.id();
      status.backup.time = backup.time();
      status.backup.bytes = backup.bytes();
      String message = "restoring backup " + backup.id() + " (" + backup.bytes() + " bytes, completed " + backup.time()
          + ") of " + source.describe();
      return passed(ConditionTypes.BACKUP_RESOLVED, Reasons.RESOLVED, message, RestoreStage.ScalingDown);
    }

    private Optional<Duration> scaleDown() {
      if (spec.scaleDown == null || spec.scaleDown.isEmpty()) {
        Conditions.set(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, false, Reasons.NOT_REQUESTED,
            "spec.scaleDown is empty", status.observedGeneration, now);
        List<Pod> holders = claims.podsUsing(namespace, target);
        if (!holders.isEmpty()) {
          String holder = holders.get(0).getMetadata().getName();
          if (accessModes().contains("ReadWriteOncePod")) {
            return fail(ConditionTypes.RESTORED, Reasons.CLAIM_IN_USE, "PersistentVolumeClaim " + target
                + " is ReadWriteOncePod and mounted by pod " + holder + "; list its workload in spec.scaleDown");
          }
          String inUse = "PersistentVolumeClaim " + target + " is in use by pod " + holder
              + "; restoring underneath it (list its Deployment or StatefulSet in spec.scaleDown to stop it first)";
          Conditions.set(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, false, Reasons.CLAIM_IN_USE, inUse,
              status.observedGeneration, now);
          status.message = inUse;
          events.warning(request, Reasons.CLAIM_IN_USE, inUse);
        }
        status.stage = RestoreStage.SafetyBackup.name();
        return Optional.empty();
      }
      if (status.scaledDown == null) {
        try {
          status.scaledDown = scaler.withReplicas(namespace, spec.scaleDown);
        } catch (WorkloadScaler.MissingWorkload e) {
          return fail(ConditionTypes.WORKLOADS_SCALED_DOWN, Reasons.WORKLOAD_NOT_FOUND, e.getMessage());
        }
        Conditions.set(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, false, Reasons.SCALING_DOWN,
            "scaling " + describe(status.scaledDown) + " to 0", status.observedGeneration, now);
        // The replica counts are in the API server before anything is scaled: a restart can always scale back.
        persist();
        events.normal(request, Reasons.SCALING_DOWN, "scaling " + describe(status.scaledDown) + " to 0");
      }
      for (ScaleTarget workload : status.scaledDown) {
        scaler.scale(namespace, workload, 0);
      }
      List<String> remaining = scaler.remainingPods(namespace, status.scaledDown);
      if (!remaining.isEmpty()) {
        Instant since = Conditions.find(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN)
            .map(c -> Times.parse(c.getLastTransitionTime())).orElse(now);
        if (!now.isBefore(since.plus(SCALE_DOWN_TIMEOUT))) {
          return fail(ConditionTypes.WORKLOADS_SCALED_DOWN, Reasons.SCALE_DOWN_TIMEOUT, "pod(s) "
              + String.join(", ", remaining) + " still running " + SCALE_DOWN_TIMEOUT.toMinutes()
              + " minutes after scaling down; the restore did not start");
        }
        status.message = "waiting for pod(s) " + String.join(", ", remaining) + " to stop";
        return Optional.of(POLL);
      }
      Conditions.set(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, true, Reasons.SCALED_DOWN,
          describe(status.scaledDown) + " scaled to 0; no pod runs", status.observedGeneration, now);
      status.stage = RestoreStage.SafetyBackup.name();
      return Optional.empty();
    }

    private Optional<Duration> safetyBackup(ResolvedSource source) {
      boolean wanted = spec.safetyBackup != null ? spec.safetyBackup : spec.mode == RestoreMode.Replace;
      if (!wanted || spec.target.newClaim != null) {
        String why = spec.target.newClaim != null ? "the target is a new, empty PersistentVolumeClaim"
            : "spec.safetyBackup is false" + (spec.safetyBackup == null ? " by default for Merge" : "");
        Conditions.set(status.conditions, ConditionTypes.SAFETY_BACKUP_TAKEN, false, Reasons.NOT_REQUESTED, why,
            status.observedGeneration, now);
        status.stage = RestoreStage.Restoring.name();
        return Optional.empty();
      }
      Optional<Job> job = ensureJob(RestoreJobBuilder.SAFETY_STEP,
          () -> jobs.safety(request, source, target, Times.backupId(now), placement()));
      if (job.isEmpty() || !JobOutcomeReader.finished(job.get())) {
        status.message = "backing up the current contents of " + target + " before restoring" + inUseNote();
        return Optional.of(JOB_RECHECK);
      }
      JobOutcomeReader.Outcome outcome = outcomes.read(job.get()).orElseThrow();
      if (!outcome.succeeded()) {
        return fail(ConditionTypes.SAFETY_BACKUP_TAKEN, Reasons.SAFETY_BACKUP_FAILED, "the safety backup failed, so "
            + target + " was left untouched: " + outcome.message());
      }
      status.safetyBackup = new SafetyBackupRef();
      status.safetyBackup.id = JobOutcomeReader.backupId(job.get());
      Conditions.set(status.conditions, ConditionTypes.SAFETY_BACKUP_TAKEN, true, Reasons.SAFETY_BACKUP_SUCCEEDED,
          "the previous contents of " + target + " are in backup " + status.safetyBackup.id + " (kept 7 days)",
          status.observedGeneration, now);
      status.stage = RestoreStage.Restoring.name();
      return Optional.empty();
    }

    private Optional<Duration> restore(ResolvedSource source) {
      Optional<Job> job = ensureJob(RestoreJobBuilder.RESTORE_STEP,
          () -> jobs.restore(request, source, status.backup.id, target, placement()));
      if (job.isEmpty()) {
        return Optional.of(PROGRESS_REFRESH);
      }
      if (!JobOutcomeReader.finished(job.get())) {
        logs.tail(job.get(), 5).flatMap(ProgressLine::newest).ifPresent(progress -> status.progress = progress);
        status.message = "restoring backup " + status.backup.id + " into " + targetDescription()
            + (status.progress == null ? "" : ": " + status.progress.percent + "%") + inUseNote();
        return Optional.of(PROGRESS_REFRESH);
      }
      JobOutcomeReader.Outcome outcome = outcomes.read(job.get()).orElseThrow();
      if (!outcome.succeeded()) {
        return fail(ConditionTypes.RESTORED, Reasons.RESTORE_FAILED, "restore of backup " + status.backup.id
            + " failed: " + outcome.message());
      }
      logs.tail(job.get(), 5).flatMap(ProgressLine::newest).ifPresent(progress -> status.progress = progress);
      RestoreProgress done = new RestoreProgress();
      done.bytesTotal = status.progress != null ? status.progress.bytesTotal : status.backup.bytes;
      done.bytesDone = done.bytesTotal;
      done.percent = 100;
      status.progress = done;
      String message = "restored backup " + status.backup.id + " into " + targetDescription()
          + " (" + spec.mode + (spec.source.paths == null ? "" : ", paths " + String.join(", ", spec.source.paths)) + ")"
          + inUseNote();
      return passed(ConditionTypes.RESTORED, Reasons.RESTORE_SUCCEEDED, message, RestoreStage.ScalingUp);
    }

    /** Scales back to the recorded counts, whatever happened before: a failed restore must not leave the app down. */
    private Optional<Duration> scaleUp() {
      if (status.scaledDown != null && !status.scaledDown.isEmpty()) {
        List<String> gone = new ArrayList<>();
        for (ScaleTarget workload : status.scaledDown) {
          if (!scaler.scale(namespace, workload, workload.replicas == null ? 1 : workload.replicas)) {
            gone.add(WorkloadScaler.describe(workload));
          }
        }
        String scaledBack = status.scaledDown.stream()
            .filter(w -> !gone.contains(WorkloadScaler.describe(w)))
            .map(w -> WorkloadScaler.describe(w) + " to " + w.replicas)
            .collect(Collectors.joining(", "));
        String note = (scaledBack.isEmpty() ? "" : "scaled " + scaledBack + " again")
            + (gone.isEmpty() ? "" : (scaledBack.isEmpty() ? "" : "; ") + String.join(", ", gone)
                + " no longer exist(s), not scaled back");
        Conditions.set(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, false, Reasons.SCALED_BACK, note,
            status.observedGeneration, now);
        status.message = status.message + "; " + note;
      }
      status.stage = RestoreStage.Done.name();
      return finish();
    }

    /** A step done: its condition True, its message the restore's, on to the next stage. */
    private Optional<Duration> passed(String conditionType, String reason, String message, RestoreStage next) {
      Conditions.set(status.conditions, conditionType, true, reason, message, status.observedGeneration, now);
      status.message = message;
      status.stage = next.name();
      return Optional.empty();
    }

    /** Records a failure; workloads already scaled down are scaled back before the restore ends. */
    private Optional<Duration> fail(String conditionType, String reason, String message) {
      String full = message;
      if (status.safetyBackup != null && status.safetyBackup.id != null) {
        full = full + "; the previous contents are in safety backup " + status.safetyBackup.id;
      }
      Conditions.set(status.conditions, conditionType, false, reason, full, status.observedGeneration, now);
      if (!ConditionTypes.RESTORED.equals(conditionType)) {
        Conditions.set(status.conditions, ConditionTypes.RESTORED, false, reason, full, status.observedGeneration, now);
      }
      status.message = full;
      status.stage = status.scaledDown != null ? RestoreStage.ScalingUp.name() : RestoreStage.Done.name();
      if (status.stage.equals(RestoreStage.Done.name())) {
        return finish();
      }
      return Optional.empty();
    }

    private Optional<Duration> finish() {
      boolean succeeded = Conditions.isTrue(status.conditions, ConditionTypes.RESTORED);
      status.phase = succeeded ? SUCCEEDED : FAILED;
      status.stage = RestoreStage.Done.name();
      status.completionTime = Times.rfc3339(now);
      if (succeeded) {
        events.normal(request, Reasons.RESTORE_SUCCEEDED, status.message);
      } else {
        events.warning(request, Reasons.RESTORE_FAILED, status.message);
      }
      LOG.info("restore {}/{} {}: {}", namespace, request.getMetadata().getName(), status.phase, status.message);
      return Optional.empty();
    }

    /** The step's Job: the existing one, or a new one created now (empty until it is visible). */
    private Optional<Job> ensureJob(String step, java.util.function.Supplier<Job> desired) {
      String name = RestoreJobBuilder.jobName(request, step);
      Job existing = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
      if (existing != null) {
        return Optional.of(existing);
      }
      Job job = desired.get();
      try {
        client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      LOG.info("restore {}/{}: started Job {}", namespace, request.getMetadata().getName(), name);
      return Optional.empty();
    }

    /** Where the Jobs must run: on the node of a pod still holding the ReadWriteOnce target. */
    private AgentJob.Placement placement() {
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(namespace).withName(target).get();
      if (claim == null) {
        return null;
      }
      return claims.withPlacement(namespace, new ClaimResolver.Claims(List.of(claim), null, null, null)).placement();
    }

    private List<String> accessModes() {
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(namespace).withName(target).get();
      return claim == null || claim.getSpec() == null || claim.getSpec().getAccessModes() == null ? List.of()
          : claim.getSpec().getAccessModes();
    }

    /** "; PVC x is in use by pod y …" while the restore runs underneath an app that was not scaled down. */
    private String inUseNote() {
      return Conditions.find(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN)
          .filter(c -> Reasons.CLAIM_IN_USE.equals(c.getReason()))
          .map(c -> "; " + c.getMessage()).orElse("");
    }

    private String targetDescription() {
      return "PersistentVolumeClaim " + target
          + (spec.target.subPath == null || spec.target.subPath.isEmpty() ? "" : " at " + spec.target.subPath);
    }

    private String describe(List<ScaleTarget> workloads) {
      return workloads.stream().map(w -> WorkloadScaler.describe(w) + " (" + w.replicas + " replicas)")
          .collect(Collectors.joining(", "));
    }

    /** Writes the status whole, on the object last read, when it changed. */
    void persist() {
      if (StatusCopy.same(before, status)) {
        return;
      }
      request = client.resource(StatusCopy.withStatus(request, status)).updateStatus();
      before = StatusCopy.of(status, RestoreRequestStatus::new);
    }
  }
}
