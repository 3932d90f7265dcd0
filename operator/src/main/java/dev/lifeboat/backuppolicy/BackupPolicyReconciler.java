package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.LifeboatClock;
import dev.lifeboat.common.StatusCopy;
import dev.lifeboat.common.Times;
import dev.lifeboat.restore.ActiveRestores;
import dev.lifeboat.restore.CrossNamespaceRestore;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
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
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orchestrates one BackupPolicy: validate, record finished runs, start a run when due, evaluate
 * conditions, write status, and wake up again exactly when the next run or condition change is due.
 * The decisions themselves live in the collaborators.
 */
@ControllerConfiguration(name = BackupPolicyReconciler.NAME)
public class BackupPolicyReconciler implements Reconciler<BackupPolicy> {
  public static final String NAME = "backuppolicy";
  static final String JOB_SELECTOR = Lifeboat.MANAGED_BY_LABEL + "=" + Lifeboat.MANAGED_BY_VALUE + ","
      + Lifeboat.COMPONENT_LABEL + "=backup";
  /** Finished Jobs kept for kubectl logs; older ones are deleted once recorded. */
  static final int FINISHED_JOBS_KEPT = 3;
  /** Claims are not watched; a claim problem is re-checked this often. */
  static final Duration CLAIM_RECHECK = Duration.ofSeconds(30);
  /** A run held back while a RestoreRequest writes into one of the policy's claims is reconsidered this often. */
  static final Duration RESTORE_RECHECK = Duration.ofSeconds(15);
  /** Real time before a policy whose reconciles kept failing is tried again. */
  static final Duration RETRY_AFTER_EXHAUSTED = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(BackupPolicyReconciler.class);

  private final KubernetesClient client;
  private final LifeboatClock clock;
  private final PolicyValidator validator = new PolicyValidator();
  private final RunPlanner planner = new RunPlanner();
  private final BackupRecorder recorder = new BackupRecorder();
  private final PolicyConditions conditions = new PolicyConditions();
  private final ClaimResolver claimResolver;
  private final JobOutcomeReader outcomes;
  private final BackupJobBuilder jobBuilder;
  private final EventRecorder events;
  private final BackupDiscovery discovery;
  private final ActiveRestores restores;

  public BackupPolicyReconciler(KubernetesClient client, LifeboatClock clock, String agentImage,
      CrossNamespaceRestore crossNamespace) {
    this.client = client;
    this.clock = clock;
    this.claimResolver = new ClaimResolver(client);
    this.outcomes = new JobOutcomeReader(client);
    this.jobBuilder = new BackupJobBuilder(agentImage);
    this.events = new EventRecorder(client, clock);
    this.discovery = new BackupDiscovery(client, jobBuilder, outcomes, recorder);
    this.restores = new ActiveRestores(client, crossNamespace);
  }

  @Override
  public List<EventSource<?, BackupPolicy>> prepareEventSources(EventSourceContext<BackupPolicy> context) {
    var jobs = InformerEventSourceConfiguration.from(Job.class, BackupPolicy.class)
        .withLabelSelector(JOB_SELECTOR)
        .withNamespacesInheritedFromController()
        .build();
    return List.of(new InformerEventSource<>(jobs, context));
  }

  @Override
  public UpdateControl<BackupPolicy> reconcile(BackupPolicy cached, Context<BackupPolicy> context) {
    // The status is this controller's memory (runs started, results recorded, triggers consumed),
    // and JOSDK does not cache its own status writes: read the policy fresh so a reconcile never
    // acts on a status older than the last one written.
    BackupPolicy policy = client.resources(BackupPolicy.class).inNamespace(cached.getMetadata().getNamespace())
        .withName(cached.getMetadata().getName()).get();
    if (policy == null) {
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    BackupPolicyStatus before = policy.getStatus();
    BackupPolicyStatus status = StatusCopy.of(before, BackupPolicyStatus::new);
    List<Job> jobs = withStartedJob(policy, status, context.getSecondaryResources(Job.class).stream()
        .filter(job -> JobOutcomeReader.backupId(job) != null)
        .sorted(Comparator.comparing(JobOutcomeReader::backupId))
        .toList());
    PolicyValidator.Result validation = validator.validate(policy.getSpec());

    recordFinishedRuns(policy, status, jobs, validation, now);
    ClaimResolver.Claims claims = null;
    Optional<Instant> nextRun = Optional.empty();
    boolean held = false;
    if (validation.valid()) {
      boolean discovering = BackupDiscovery.needed(status) && discover(policy, status, now);
      claims = claimResolver.resolve(policy.getMetadata().getNamespace(), policy.getSpec().source);
      boolean active = discovering || jobs.stream().anyMatch(job -> !JobOutcomeReader.finished(job));
      RunPlanner.Plan plan = planner.plan(policy, status, active, now);
      nextRun = plan.next();
      if (plan.run().isPresent() && claims.ok()) {
        List<String> restoring = restores.restoringInto(policy.getMetadata().getNamespace(), claims.names());
        held = !restoring.isEmpty();
        if (held) {
          LOG.info("backup of {}/{} waits: RestoreRequest {} restores into its claims", policy.getMetadata().getNamespace(),
              policy.getMetadata().getName(), String.join(", ", restoring));
        } else {
          claims = claimResolver.withPlacement(policy.getMetadata().getNamespace(), claims);
          if (claims.ok()) {
            startRun(policy, status, plan.run().get(), claims, now);
          }
        }
      }
    }
    status.nextBackup = nextRun.map(Times::rfc3339).orElse(null);
    deleteOldJobs(jobs, status);
    recorder.refreshRecent(status, now);
    Optional<Instant> overdueFlip = conditions.evaluate(policy, status, new PolicyConditions.Inputs(validation, claims), now);
    status.observedGeneration = policy.getMetadata().getGeneration();
    announceInvalidSpec(policy, before, validation);

    Optional<Instant> wake = Stream.of(nextRun, overdueFlip,
            claims != null && !claims.ok() ? Optional.of(now.plus(CLAIM_RECHECK)) : Optional.<Instant>empty(),
            held ? Optional.of(now.plus(RESTORE_RECHECK)) : Optional.<Instant>empty())
        .flatMap(Optional::stream)
        .min(Comparator.naturalOrder());
    if (!StatusCopy.same(before, status)) {
      // The whole status, replaced on the object just read (locked to its resourceVersion). Not
      // UpdateControl.patchStatus: JOSDK diffs against its cached copy, which may be older than
      // what was read here, and its list edits would then land on the wrong elements.
      client.resource(StatusCopy.withStatus(policy, status)).updateStatus();
    }
    UpdateControl<BackupPolicy> control = UpdateControl.noUpdate();
    wake.ifPresent(at -> control.rescheduleAfter(clock.realDelay(Duration.between(now, at).isNegative()
        ? Duration.ZERO : Duration.between(now, at))));
    return control;
  }

  /**
   * The Job of the run the status says is running, even when the Job informer has not caught up
   * with its creation; a Job that no longer exists at all ends the run as failed.
   */
  private List<Job> withStartedJob(BackupPolicy policy, BackupPolicyStatus status, List<Job> informed) {
    var running = status.lastBackup;
    if (running == null || !BackupRecorder.RUNNING.equals(running.phase) || running.job == null
        || informed.stream().anyMatch(job -> running.id.equals(JobOutcomeReader.backupId(job)))) {
      return informed;
    }
    Job job = client.batch().v1().jobs().inNamespace(policy.getMetadata().getNamespace()).withName(running.job).get();
    if (job != null) {
      List<Job> all = new ArrayList<>(informed);
      all.add(job);
      all.sort(Comparator.comparing(JobOutcomeReader::backupId));
      return all;
    }
    String message = "backup Job " + running.job + " disappeared before it finished (deleted?)";
    recorder.finished(status, new JobOutcomeReader.Outcome(running.id, running.job, false, null, message, running.startTime,
        null), null, clock.instant());
    events.warning(policy, Reasons.BACKUP_FAILED, "backup " + running.id + " failed: " + message);
    return informed;
  }

  /**
   * An unexpected failure is retried with backoff by JOSDK; once retries are exhausted the policy
   * is still looked at again later, so alerts and schedules never stop for good.
   */
  @Override
  public ErrorStatusUpdateControl<BackupPolicy> updateErrorStatus(BackupPolicy policy, Context<BackupPolicy> context,
      Exception e) {
    LOG.warn("reconciling {}/{} failed: {}", policy.getMetadata().getNamespace(), policy.getMetadata().getName(),
        e.toString());
    boolean lastAttempt = context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(false);
    ErrorStatusUpdateControl<BackupPolicy> control = ErrorStatusUpdateControl.noStatusUpdate();
    if (lastAttempt) {
      control.rescheduleAfter(RETRY_AFTER_EXHAUSTED);
    }
    return control;
  }

  private void recordFinishedRuns(BackupPolicy policy, BackupPolicyStatus status, List<Job> jobs,
      PolicyValidator.Result validation, Instant now) {
    for (Job job : jobs) {
      if (recorder.isRecorded(status, JobOutcomeReader.backupId(job))) {
        continue;
      }
      outcomes.read(job).ifPresent(outcome -> {
        var rules = validation.valid() ? PolicyRetention.rules(policy.getSpec().retention) : null;
        if (rules == null) {
          return; // recorded once the spec is fixed; keptBy needs valid rules
        }
        recorder.finished(status, outcome, rules, now);
        if (outcome.succeeded()) {
          events.normal(policy, Reasons.BACKUP_SUCCEEDED, "backup " + outcome.backupId() + " succeeded: " + outcome.message());
        } else {
          events.warning(policy, Reasons.BACKUP_FAILED, "backup " + outcome.backupId() + " failed: " + outcome.message());
        }
        LOG.info("backup {} of {}/{} {}", outcome.backupId(), policy.getMetadata().getNamespace(),
            policy.getMetadata().getName(), outcome.succeeded() ? "succeeded" : "failed");
      });
    }
  }

  private void startRun(BackupPolicy policy, BackupPolicyStatus status, RunPlanner.Run run, ClaimResolver.Claims claims,
      Instant now) {
    // Backups that a RestoreRequest is reading must survive this run's retention.
    List<String> pins = restores.backupsBeingRead(policy.getMetadata().getNamespace(), policy.getMetadata().getName());
    Job job = jobBuilder.build(policy, run, claims, pins);
    try {
      client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Already created by an earlier reconcile of the same instant: deterministic names make this safe.
    }
    recorder.started(status, run, job.getMetadata().getName(), now);
    events.normal(policy, Reasons.BACKUP_STARTED, run.trigger() + " backup " + run.backupId() + " started in Job "
        + job.getMetadata().getName());
    LOG.info("started {} backup {} of {}/{}", run.trigger(), run.backupId(), policy.getMetadata().getNamespace(),
        policy.getMetadata().getName());
  }

  /** Advances the one-time repository listing; true while it runs and runs must wait for it. */
  private boolean discover(BackupPolicy policy, BackupPolicyStatus status, Instant now) {
    BackupDiscovery.Finished finished = discovery.advance(policy, status, PolicyRetention.rules(policy.getSpec().retention), now);
    if (finished == null) {
      return true;
    }
    if (finished.succeeded()) {
      events.normal(policy, Reasons.REPOSITORY_LISTED, finished.message());
    } else {
      events.warning(policy, Reasons.LISTING_FAILED, finished.message());
    }
    return false;
  }

  private void deleteOldJobs(List<Job> jobs, BackupPolicyStatus status) {
    List<Job> recordedFinished = jobs.stream()
        .filter(JobOutcomeReader::finished)
        .filter(job -> recorder.isRecorded(status, JobOutcomeReader.backupId(job)))
        .toList();
    for (int i = 0; i < recordedFinished.size() - FINISHED_JOBS_KEPT; i++) {
      Job old = recordedFinished.get(i);
      client.batch().v1().jobs().inNamespace(old.getMetadata().getNamespace()).withName(old.getMetadata().getName())
          .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }
  }

  private void announceInvalidSpec(BackupPolicy policy, BackupPolicyStatus before, PolicyValidator.Result validation) {
    if (validation.valid()) {
      return;
    }
    boolean alreadyAnnounced = before != null && Conditions.find(before.conditions, ConditionTypes.READY)
        .filter(c -> Reasons.INVALID_SPEC.equals(c.getReason()) && Objects.equals(validation.message(), c.getMessage()))
        .isPresent();
    if (!alreadyAnnounced) {
      events.warning(policy, Reasons.INVALID_SPEC, validation.message());
    }
  }
}
