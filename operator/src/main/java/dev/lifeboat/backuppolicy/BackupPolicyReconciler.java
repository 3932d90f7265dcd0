package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.ClaimPlacement;
import dev.lifeboat.common.ConditionEvents;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.ClaimUsers;
import dev.lifeboat.common.ControllerSettings;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.LifeboatClock;
import dev.lifeboat.common.PodLogs;
import dev.lifeboat.common.ReconcileRetries;
import dev.lifeboat.common.RepositoryListing;
import dev.lifeboat.common.Problem;
import dev.lifeboat.common.Reporting;
import dev.lifeboat.common.StatusCopy;
import dev.lifeboat.common.StuckPods;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
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
// Also on deletion: a policy held by the hooks finalizer still runs its after hooks (RunStages).
@ControllerConfiguration(name = BackupPolicyReconciler.NAME, triggerReconcilerOnAllEvents = true)
public class BackupPolicyReconciler implements Reconciler<BackupPolicy> {
  public static final String NAME = "backuppolicy";
  /** Claims are not watched; a claim problem is re-checked this often. */
  static final Duration CLAIM_RECHECK = Duration.ofSeconds(30);
  /** A run held back while a RestoreRequest writes into one of the policy's claims is reconsidered this often. */
  static final Duration RESTORE_RECHECK = Duration.ofSeconds(15);
  /**
   * Pods are not watched: while a Job's pod is on its way (not yet started, no trouble seen) it is
   * looked at this often, so a pod that cannot start is seen, and the wake-up set for the instant
   * it counts as stuck ({@link StuckPods}).
   */
  static final Duration POD_RECHECK = Duration.ofSeconds(15);
  /** Never look at pods more often than this in real time (a time-warped clock would make it a busy loop). */
  static final Duration MIN_REAL_POD_RECHECK = Duration.ofSeconds(1);
  /** Never look at pending VolumeSnapshots more often than this in real time. */
  static final Duration MIN_REAL_SNAPSHOT_RECHECK = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(BackupPolicyReconciler.class);

  private final KubernetesClient client;
  private final LifeboatClock clock;
  private final PolicyValidator validator;
  private final RunPlanner planner = new RunPlanner();
  private final PolicyConditions conditions = new PolicyConditions();
  private final BackupRecorder recorder = new BackupRecorder();
  private final ClaimResolver claimResolver;
  private final BackupRuns runs;
  private final EventRecorder events;
  private final ConditionEvents transitions;
  private final BackupDiscovery discovery;
  private final ActiveRestores restores;
  private final RestoreDrills drills;
  private final RunStages stages;
  private final HooksFinalizer finalizer;
  private final SnapshotRuns snapshotRuns;

  public BackupPolicyReconciler(KubernetesClient client, LifeboatClock clock, ControllerSettings settings) {
    this(client, clock, settings, Reporting.NONE);
  }

  public BackupPolicyReconciler(KubernetesClient client, LifeboatClock clock, ControllerSettings settings,
      Reporting reporting) {
    this.client = client;
    this.clock = clock;
    Jobs jobs = new Jobs(client);
    JobOutcomeReader outcomes = new JobOutcomeReader(client);
    BackupJobBuilder jobBuilder = new BackupJobBuilder(settings.agentImage(), settings.privilegedJobs());
    this.events = new EventRecorder(client, clock);
    this.transitions = PolicyConditions.events(events, reporting.notifier(), clock);
    this.claimResolver = new ClaimResolver(client, new ClaimPlacement(client), new ClaimUsers(client));
    this.runs = new BackupRuns(jobs, outcomes, jobBuilder, recorder, events, reporting.metrics());
    this.discovery = new BackupDiscovery(jobs, jobBuilder, new RepositoryListing(outcomes, new PodLogs(client)), recorder);
    this.restores = new ActiveRestores(client, settings.crossNamespace());
    this.drills = new RestoreDrills(jobs, outcomes, jobBuilder, events);
    this.validator = new PolicyValidator(settings.hooksEnabled());
    Snapshots snapshots = new Snapshots(client);
    SnapshotStage snapshotStage = new SnapshotStage(snapshots);
    this.stages = new RunStages(new HookRunner(client), new HookPods(client, new ClaimPlacement(client)), snapshotStage,
        runs, events);
    this.finalizer = new HooksFinalizer(client);
    this.snapshotRuns = new SnapshotRuns(snapshots, snapshotStage, new TemporaryClaims(client), claimResolver, runs,
        recorder, restores, events);
  }

  @Override
  public List<EventSource<?, BackupPolicy>> prepareEventSources(EventSourceContext<BackupPolicy> context) {
    return List.of(Jobs.informer(BackupPolicy.class, BackupJobBuilder.COMPONENT, context));
  }

  @Override
  public UpdateControl<BackupPolicy> reconcile(BackupPolicy cached, Context<BackupPolicy> context) {
    // The status is this controller's memory (runs started, results recorded, triggers consumed),
    // and JOSDK does not cache its own status writes: read the policy fresh so a reconcile never
    // acts on a status older than the last one written.
    BackupPolicy policy = client.resource(cached).get();
    if (policy == null || policy.isMarkedForDeletion() && !policy.hasFinalizer(RunStages.FINALIZER)) {
      return UpdateControl.noUpdate();
    }
    boolean deleting = policy.isMarkedForDeletion();
    String namespace = policy.getMetadata().getNamespace();
    Instant now = clock.instant();
    BackupPolicyStatus before = policy.getStatus();
    BackupPolicyStatus status = StatusCopy.of(before, BackupPolicyStatus::new);
    List<Job> informed = List.copyOf(context.getSecondaryResources(Job.class));
    List<Job> jobs = runs.current(policy, status, informed, now);
    PolicyValidator.Result validation = validator.validate(policy.getSpec());
    runs.recordFinished(policy, status, jobs, validation.valid() ? PolicyRetention.rules(policy.getSpec().retention) : null,
        now);
    // What the pods of the Jobs still going say about starting; a run whose pod cannot start ends here.
    List<StuckPods.Start> starting = new ArrayList<>(runs.failStuck(policy, status, jobs, now));

    Checked<ClaimResolver.Claims> claims = null;
    Optional<Instant> nextRun = Optional.empty();
    Optional<Instant> snapshotsPending = Optional.empty();
    boolean held = false;
    if (validation.valid() && !deleting) {
      snapshotsPending = snapshotRuns.advance(policy, status, now);
      boolean discovering = BackupDiscovery.needed(status) && discover(policy, status, now, starting);
      claims = claimResolver.resolve(namespace, policy.getSpec().source);
      boolean active = discovering || runs.active(jobs, status);
      RunPlanner.Plan plan = planner.plan(policy, status, active, now);
      nextRun = plan.next();
      if (plan.run().isPresent() && claims.ok()) {
        List<String> restoring = restores.restoringInto(namespace, claims.value().names());
        held = !restoring.isEmpty();
        if (held) {
          LOG.info("backup of {}/{} waits: RestoreRequest {} restores into its claims", namespace,
              policy.getMetadata().getName(), String.join(", ", restoring));
        } else if (SnapshotRuns.snapshotMode(policy) && RunStages.hasHooks(policy.getSpec())) {
          // Before hooks, snapshots, after hooks, then the copy (RunStages): nothing is pinned to the app's node.
          runs.start(policy, status, plan.run().get(), claims.value(), List.of(), now);
        } else if (SnapshotRuns.snapshotMode(policy)) {
          snapshotRuns.begin(policy, status, plan.run().get(), claims.value().names(), now);
          snapshotsPending = Optional.of(now); // the snapshots are created on the next look, once status says so
        } else {
          claims = claimResolver.forRun(namespace, claims.value());
          if (claims.ok()) {
            runs.start(policy, status, plan.run().get(), claims.value(),
                restores.backupsBeingRead(namespace, policy.getMetadata().getName()), now);
            starting.add(StuckPods.Start.ON_ITS_WAY); // its pod is yet to come
          }
        }
      }
    }
    RunStages.Progress hooks = stages.advance(policy, status, jobs, () -> claimNames(policy),
        (p, s, at) -> validation.valid() ? startJob(p, s, at, starting) : Optional.of(validation.message()),
        validation.valid() ? PolicyRetention.rules(policy.getSpec().retention)
            : null, now);
    status.nextBackup = nextRun.map(Times::rfc3339).orElse(null);
    if (validation.valid() && !deleting) {
      drills.advance(policy, status, informed, now, starting);
    }
    runs.deleteOld(jobs, status);
    recorder.refreshRecent(status, now);
    boolean claimProblem = claims != null && !claims.ok();
    Optional<Instant> overdueFlip = conditions.evaluate(policy, status,
        new PolicyConditions.Inputs(validation, claimProblem ? claims.problem() : null), now);
    status.observedGeneration = policy.getMetadata().getGeneration();
    announceInvalidSpec(policy, before, validation);
    DamagedBackups.newlyFound(before, status)
        .forEach(damaged -> events.warning(policy, Reasons.BACKUP_DAMAGED, DamagedBackups.event(damaged)));
    transitions.announce(policy, before == null ? null : before.conditions, status.conditions);
    BackupPolicy written = StatusCopy.writeIfChanged(client, policy, before, status);
    // Only now that status says the hooks started (and which command runs) does any of it act.
    finalizer.hold(written, RunStages.holdsOutcome(policy, status, status.lastBackup == null ? null : status.lastBackup.id));
    stages.launch(hooks);
    runs.deleteGivenUp(jobs, status); // only now that status says why
    discovery.deleteRecorded(informed, status); // only now that status holds what it found
    snapshotRuns.sweep(policy, status); // only now that status says which run is going

    Optional<Instant> nextDrill = Optional.ofNullable(Times.parse(status.nextVerification));
    Optional<Instant> wake = Stream.concat(Stream.of(nextRun, overdueFlip, nextDrill,
                claimProblem ? Optional.of(now.plus(CLAIM_RECHECK)) : Optional.<Instant>empty(),
                held ? Optional.of(now.plus(RESTORE_RECHECK)) : Optional.<Instant>empty(), snapshotsPending),
            starting.stream().map(start -> start.stuckAt(now)))
        .flatMap(Optional::stream)
        .min(Comparator.naturalOrder());
    Optional<Duration> delay = wake.map(at -> clock.realDelay(Duration.between(now, at).isNegative()
        ? Duration.ZERO : Duration.between(now, at)));
    if (starting.stream().anyMatch(StuckPods.Start::onItsWay)) {
      Duration realPoll = clock.realDelay(POD_RECHECK);
      Duration poll = realPoll.compareTo(MIN_REAL_POD_RECHECK) < 0 ? MIN_REAL_POD_RECHECK : realPoll;
      delay = Optional.of(delay.filter(d -> d.compareTo(poll) < 0).orElse(poll));
    }
    if (hooks.polling()) {
      // A hook command runs in real time, whatever the operator's clock says.
      delay = Optional.of(delay.filter(d -> d.compareTo(RunStages.HOOK_POLL) < 0).orElse(RunStages.HOOK_POLL));
    }
    if (snapshotsPending.isPresent()) {
      // Polled, not watched: a time-warped clock must not turn the poll into a busy loop.
      delay = delay.map(d -> d.compareTo(MIN_REAL_SNAPSHOT_RECHECK) < 0 ? MIN_REAL_SNAPSHOT_RECHECK : d);
    }
    UpdateControl<BackupPolicy> control = UpdateControl.noUpdate();
    delay.ifPresent(control::rescheduleAfter);
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<BackupPolicy> updateErrorStatus(BackupPolicy policy, Context<BackupPolicy> context,
      Exception e) {
    return ReconcileRetries.keepTrying(policy, context, e, LOG);
  }

  /**
   * Advances the one-time repository listing; true while it runs and runs must wait for it (what
   * its pod says about starting is added to {@code starting}).
   */
  private boolean discover(BackupPolicy policy, BackupPolicyStatus status, Instant now, List<StuckPods.Start> starting) {
    BackupDiscovery.Progress progress = discovery.advance(policy, status, PolicyRetention.rules(policy.getSpec().retention), now);
    if (progress.running()) {
      starting.add(progress.start());
      return true;
    }
    BackupDiscovery.Finished finished = progress.finished();
    if (finished.succeeded()) {
      events.normal(policy, Reasons.REPOSITORY_LISTED, finished.message());
    } else {
      events.warning(policy, Reasons.LISTING_FAILED, finished.message());
    }
    return false;
  }

  /** The names of the policy's claims, for the default pods of a hook; none while they cannot be resolved. */
  private List<String> claimNames(BackupPolicy policy) {
    Checked<ClaimResolver.Claims> claims = claimResolver.resolve(policy.getMetadata().getNamespace(), policy.getSpec().source);
    return claims.ok() ? claims.value().names() : List.of();
  }

  /** The Copying stage of a run with hooks: its Job, or why there can be none now. */
  private Optional<String> startJob(BackupPolicy policy, BackupPolicyStatus status, Instant now,
      List<StuckPods.Start> starting) {
    if (SnapshotRuns.snapshotMode(policy)) {
      Optional<Problem> problem = snapshotRuns.startCopying(policy, status, now);
      problem.ifPresent(p -> status.lastBackup.reason = p.reason());
      if (problem.isEmpty()) {
        starting.add(StuckPods.Start.ON_ITS_WAY);
      }
      return problem.map(Problem::message);
    }
    String namespace = policy.getMetadata().getNamespace();
    Checked<ClaimResolver.Claims> claims = claimResolver.resolve(namespace, policy.getSpec().source);
    if (claims.ok()) {
      List<String> restoring = restores.restoringInto(namespace, claims.value().names());
      if (!restoring.isEmpty()) {
        return Optional.of("RestoreRequest " + String.join(", ", restoring) + " began restoring into the claims");
      }
      claims = claimResolver.forRun(namespace, claims.value());
    }
    if (!claims.ok()) {
      return Optional.of(claims.problem().message());
    }
    runs.startJob(policy, status, claims.value(), restores.backupsBeingRead(namespace, policy.getMetadata().getName()), now);
    starting.add(StuckPods.Start.ON_ITS_WAY);
    return Optional.empty();
  }

  private void announceInvalidSpec(BackupPolicy policy, BackupPolicyStatus before, PolicyValidator.Result validation) {
    if (validation.valid()) {
      return;
    }
    boolean alreadyAnnounced = before != null && Conditions.find(before.conditions, ConditionTypes.READY)
        .filter(c -> validation.reason().equals(c.getReason()) && Objects.equals(validation.message(), c.getMessage()))
        .isPresent();
    if (!alreadyAnnounced) {
      events.warning(policy, validation.reason(), validation.message());
    }
  }
}
