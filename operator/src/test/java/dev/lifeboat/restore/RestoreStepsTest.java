package dev.lifeboat.restore;

import dev.lifeboat.common.ClaimUsers;
import dev.lifeboat.common.PrivilegedJobs;
import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.NewClaim;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreMode;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.api.v1alpha1.RestoredBackup;
import dev.lifeboat.api.v1alpha1.SafetyBackupRef;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.ClaimPlacement;
import dev.lifeboat.common.Conditions;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.PodLogs;
import dev.lifeboat.common.RepositoryListing;
import dev.lifeboat.common.RunMetrics;
import dev.lifeboat.common.Times;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each restore step on its own: a {@link RestoreRun} built at one stage from a RestoreRequest in
 * the mock API server, one {@link RestoreStep#advance}, then what the run's status and the API
 * server say. The whole controller, step after step, is {@link RestoreRequestReconcilerTest}.
 */
class RestoreStepsTest extends ControllerTest {
  static final String RESTORE = "restore-memory";
  static final ResolvedSource SOURCE = new ResolvedSource(Fixtures.dailyPolicy().getSpec().destination.s3, NAMESPACE,
      POLICY, null, null);
  static final ResolvedSource WITH_DUMP = new ResolvedSource(SOURCE.s3(), NAMESPACE, POLICY, null, null,
      List.of(Fixtures.dump("tzurot-db")));
  static final String REPOSITORY = "s3://backups/prod (backups of " + NAMESPACE + "/" + POLICY + ")";
  static final ListedBackup OLDER = backup("20251108T020000Z", "2025-11-08T02:00:41Z", "scheduled");
  static final ListedBackup NEWER = backup("20251109T020000Z", "2025-11-09T02:00:41Z", "scheduled");
  static final ListedBackup SAFETY = backup("20251109T120000Z", "2025-11-09T12:00:07Z", ListedBackup.KIND_PRE_RESTORE);
  static final String SAFETY_ID = "20251109T135900Z";

  Jobs jobs;
  RestoreJobBuilder builder;
  TargetClaim targets;
  WorkloadScaler scaler;
  JobOutcomeReader outcomes;
  PodLogs logs;

  PendingStep pending;
  ResolvingStep resolving;
  ScalingDownStep scalingDown;
  SafetyBackupStep safetyBackup;
  RestoringStep restoring;
  ScalingUpStep scalingUp;

  @Override
  protected String clockStart() {
    return "2025-11-09T14:00:00Z";
  }

  @BeforeEach
  void steps() {
    jobs = new Jobs(client);
    builder = new RestoreJobBuilder("lifeboat:test", PrivilegedJobs.NONE);
    targets = new TargetClaim(client, new ClaimPlacement(client), new ClaimUsers(client));
    scaler = new WorkloadScaler(client);
    outcomes = new JobOutcomeReader(client);
    logs = new PodLogs(client);
    pending = new PendingStep(targets);
    resolving = new ResolvingStep(jobs, builder, new RepositoryListing(outcomes, logs));
    scalingDown = new ScalingDownStep(scaler, targets);
    safetyBackup = new SafetyBackupStep(jobs, builder, outcomes, targets);
    restoring = new RestoringStep(jobs, builder, outcomes, logs, targets);
    scalingUp = new ScalingUpStep(scaler);
  }

  // ---- Pending ----

  @Test
  void pendingWaitsWithRestoredFalseWaitingForClaimWhileTheTargetClaimDoesNotExist() {
    request(r -> r.getSpec().target.claim = "later-claim");
    RestoreRun run = at(RestoreStage.Pending, s -> {});

    Optional<Duration> wait = advance(pending, run);

    assertThat(wait).contains(PendingStep.CLAIM_RECHECK);
    assertThat(run.status.stage).isEqualTo(RestoreStage.Pending);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Pending);
    assertThat(run.status.message).contains("later-claim").contains("spec.target.claim");
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "False", Reasons.WAITING_FOR_CLAIM,
        "waiting for PersistentVolumeClaim later-claim (spec.target.claim)", generation());
    assertThat(harness.jobs(NAMESPACE)).isEmpty();

    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim("later-claim")).create();
    RestoreRun later = resume();
    assertThat(advance(pending, later)).isEmpty();
    assertThat(later.status.stage).isEqualTo(RestoreStage.Resolving);
    assertThat(later.status.phase).isEqualTo(RestorePhase.Running);
  }

  @Test
  void pendingFailsASubPathWithDotDotNamingSpecTargetSubPath() {
    request(r -> r.getSpec().target.subPath = "data/../../etc");
    RestoreRun run = at(RestoreStage.Pending, s -> {});

    assertThat(advance(pending, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "False", Reasons.INVALID_SPEC,
        "spec.target.subPath: 'data/../../etc'", generation());
    assertThat(run.status.message).contains("spec.target.subPath");
    assertThat(run.status.completionTime).isEqualTo(Times.rfc3339(clock.instant()));
    assertThat(stored().stage).as("persisted").isEqualTo(RestoreStage.Done);
    assertThat(events()).extracting(Event::getReason).contains(Reasons.RESTORE_FAILED);
  }

  @Test
  void pendingStartsARestoreIntoACommandWithoutLookingForAClaim() {
    request(r -> RequestValidatorTest.dumpIntoCommand(r.getSpec()));
    RestoreRun run = at(RestoreStage.Pending, s -> {});

    assertThat(advance(pending, run)).isEmpty();

    assertThat(run.status.phase).isEqualTo(RestorePhase.Running);
    assertThat(run.status.stage).isEqualTo(RestoreStage.Resolving);
    assertThat(events()).extracting(Event::getMessage).anySatisfy(m ->
        assertThat(m).startsWith("restore into the command of container target (image postgres:16) started"));
    assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems())
        .extracting(c -> c.getMetadata().getName()).as("no claim created").containsExactly(CLAIM);
  }

  @Test
  void pendingFailsWithClaimExistsForANewClaimThatAlreadyExistsAndIsNotOurs() {
    request(r -> newClaim(r, CLAIM));
    RestoreRun run = at(RestoreStage.Pending, s -> {});

    assertThat(advance(pending, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "False", Reasons.CLAIM_EXISTS,
        "spec.target.newClaim.name: PersistentVolumeClaim " + CLAIM + " already exists", generation());
    PersistentVolumeClaim untouched = client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(CLAIM).get();
    assertThat(untouched.getMetadata().getAnnotations()).doesNotContainKey(Lifeboat.RESTORE_LABEL);
  }

  @Test
  void pendingCreatesANewClaimWithoutAnOwnerAndMovesToResolvingWithPhaseRunning() {
    request(r -> newClaim(r, "memory-restored"));
    RestoreRun run = at(RestoreStage.Pending, s -> {});

    assertThat(advance(pending, run)).isEmpty();

    PersistentVolumeClaim created = client.persistentVolumeClaims().inNamespace(NAMESPACE).withName("memory-restored").get();
    assertThat(created).isNotNull();
    assertThat(created.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(created.getMetadata().getAnnotations()).containsEntry(Lifeboat.RESTORE_LABEL, RESTORE);
    assertThat(created.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(created.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("2Gi"));
    assertThat(run.status.stage).isEqualTo(RestoreStage.Resolving);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Running);
    assertThat(run.status.startTime).isEqualTo("2025-11-09T14:00:00Z");
    assertThat(run.status.message).isEqualTo("finding the backup in " + REPOSITORY);
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "False", Reasons.RESTORE_IN_PROGRESS,
        "restore started", generation());
    assertThat(events()).extracting(Event::getReason).contains(Reasons.RESTORE_STARTED);
  }

  @Test
  void pendingTakesANewClaimItCreatedItselfAsItsOwnOnARetry() {
    request(r -> newClaim(r, "memory-restored"));
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(new PersistentVolumeClaimBuilder(
        Fixtures.boundClaim("memory-restored")).editMetadata().addToAnnotations(Lifeboat.RESTORE_LABEL, RESTORE)
        .endMetadata().build()).create();
    RestoreRun run = at(RestoreStage.Pending, s -> {});

    assertThat(advance(pending, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Resolving);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Running);
  }

  // ---- Resolving ----

  @Test
  void resolvingCreatesTheListJobExactlyOnceAcrossTwoAdvances() {
    request(r -> {});
    RestoreRun first = at(RestoreStage.Resolving, s -> {});
    assertThat(advance(resolving, first)).contains(RestoreStep.JOB_RECHECK);
    RestoreRun second = resume();
    assertThat(advance(resolving, second)).contains(RestoreStep.JOB_RECHECK);

    assertThat(harness.jobs(NAMESPACE)).singleElement().satisfies(job -> {
      assertThat(job.getMetadata().getName()).isEqualTo(RESTORE + "-list");
      assertThat(job.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(stored(RESTORE).getMetadata().getUid()));
    });
    assertThat(command("list")).containsSequence("lifeboat", "agent", "list")
        .containsSequence("--namespace", NAMESPACE, "--policy", POLICY);
    assertThat(second.status.stage).isEqualTo(RestoreStage.Resolving);
    assertThat(second.status.backup).isNull();
  }

  @Test
  void resolvingFailsWithListingFailedNamingTheRepositoryWhenTheListJobFails() {
    request(r -> {});
    advance(resolving, at(RestoreStage.Resolving, s -> {}));
    harness.finishJob(job("list"), false, null, "cannot reach s3: connection refused\n");
    RestoreRun run = resume();

    assertThat(advance(resolving, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(run.status.conditions, ConditionTypes.BACKUP_RESOLVED, "False", Reasons.LISTING_FAILED,
        "listing " + REPOSITORY + " failed: cannot reach s3: connection refused", generation());
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "False", Reasons.LISTING_FAILED, REPOSITORY,
        generation());
    assertThat(run.status.backup).isNull();
  }

  @Test
  void resolvingFailsWithListingFailedWhenTheListJobsLogHoldsNoListing() {
    request(r -> {});
    advance(resolving, at(RestoreStage.Resolving, s -> {}));
    harness.finishJob(job("list"), true, null, null, "something else entirely\n");
    RestoreRun run = resume();

    advance(resolving, run);

    assertCondition(run.status.conditions, ConditionTypes.BACKUP_RESOLVED, "False", Reasons.LISTING_FAILED,
        "holds no backup listing", generation());
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
  }

  @Test
  void resolvingRecordsTheNewestNonSafetyBackupInStatusAndMovesToScalingDown() {
    request(r -> {});
    advance(resolving, at(RestoreStage.Resolving, s -> {}));
    harness.finishJob(job("list"), true, null, null, listing(SAFETY, NEWER, OLDER));
    RestoreRun run = resume();

    assertThat(advance(resolving, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.ScalingDown);
    assertThat(run.status.backup.id).isEqualTo(NEWER.id());
    assertThat(run.status.backup.time).isEqualTo(NEWER.time());
    assertThat(run.status.backup.bytes).isEqualTo(NEWER.bytes());
    assertCondition(run.status.conditions, ConditionTypes.BACKUP_RESOLVED, "True", Reasons.RESOLVED,
        "restoring backup " + NEWER.id(), generation());
    assertThat(run.status.message).contains(NEWER.id()).contains(REPOSITORY);
    assertThat(stored().backup.id).as("persisted").isEqualTo(NEWER.id());
    assertThat(harness.jobs(NAMESPACE)).as("only the list Job").hasSize(1);
  }

  // ---- ScalingDown ----

  @Test
  void scalingDownWithoutScaleDownAndNobodyUsingTheClaimGoesToSafetyBackupNotRequested() {
    request(r -> {});
    RestoreRun run = at(RestoreStage.ScalingDown, this::resolved);

    assertThat(advance(scalingDown, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.SafetyBackup);
    assertCondition(run.status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "False", Reasons.NOT_REQUESTED,
        "spec.scaleDown is empty", generation());
    assertThat(run.status.scaledDown).isNull();
    assertThat(events()).extracting(Event::getReason).doesNotContain(Reasons.CLAIM_IN_USE);
  }

  @Test
  void scalingDownWithoutScaleDownWarnsThatAPodUsesTheClaimAndGoesOn() {
    runningPod("rose-7d9f-abcde", Fixtures.CLAIM);
    request(r -> {});
    RestoreRun run = at(RestoreStage.ScalingDown, this::resolved);

    assertThat(advance(scalingDown, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.SafetyBackup);
    assertCondition(run.status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "False", Reasons.CLAIM_IN_USE,
        "in use by pod rose-7d9f-abcde", generation());
    assertThat(run.status.message).contains("spec.scaleDown");
    assertThat(events()).extracting(Event::getReason).contains(Reasons.CLAIM_IN_USE);
  }

  @Test
  void scalingDownWithoutScaleDownRefusesAReadWriteOncePodClaimInUse() {
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim("single", "ReadWriteOncePod"))
        .create();
    runningPod("rose-7d9f-abcde", "single");
    request(r -> r.getSpec().target.claim = "single");
    RestoreRun run = at(RestoreStage.ScalingDown, this::resolved);

    assertThat(advance(scalingDown, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "False", Reasons.CLAIM_IN_USE,
        "ReadWriteOncePod and mounted by pod rose-7d9f-abcde", generation());
  }

  @Test
  void scalingDownFailsWithWorkloadNotFoundNamingItAndEndsWithNothingScaled() {
    deployment("rose", 2);
    request(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose"),
        scaleTarget("StatefulSet", "no-such-set")));
    RestoreRun run = at(RestoreStage.ScalingDown, this::resolved);

    assertThat(advance(scalingDown, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
    assertThat(run.status.scaledDown).isNull();
    assertCondition(run.status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "False", Reasons.WORKLOAD_NOT_FOUND,
        "StatefulSet/no-such-set named in spec.scaleDown does not exist in namespace " + NAMESPACE, generation());
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "False", Reasons.WORKLOAD_NOT_FOUND,
        "StatefulSet/no-such-set", generation());
    assertThat(replicas("rose")).as("the workload that exists was not touched").isEqualTo(2);
  }

  @Test
  void scalingDownRecordsReplicaCountsInStatusAndTheApiServerAndScalesTheDeploymentToZero() {
    deployment("rose", 3);
    request(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose")));
    RestoreRun run = at(RestoreStage.ScalingDown, this::resolved);

    assertThat(advance(scalingDown, run)).isEmpty();

    assertThat(run.status.scaledDown).singleElement().satisfies(w -> {
      assertThat(w.kind).isEqualTo("Deployment");
      assertThat(w.name).isEqualTo("rose");
      assertThat(w.replicas).isEqualTo(3);
    });
    assertThat(stored().scaledDown).singleElement().satisfies(w -> assertThat(w.replicas).isEqualTo(3));
    assertThat(replicas("rose")).isZero();
    assertThat(run.status.stage).isEqualTo(RestoreStage.SafetyBackup);
    assertCondition(run.status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "True", Reasons.SCALED_DOWN,
        "Deployment/rose (3 replicas) scaled to 0; no pod runs", generation());
    assertThat(events()).extracting(Event::getReason).contains(Reasons.SCALING_DOWN);
  }

  @Test
  void scalingDownPersistsTheReplicaCountsBeforeScalingSoAFailedScaleCanStillBeScaledBack() {
    deployment("rose", 3);
    request(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose")));
    RestoreRun run = at(RestoreStage.ScalingDown, this::resolved);
    server.expect().put().withPath("/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/rose/scale")
        .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":403,"
            + "\"reason\":\"Forbidden\",\"message\":\"patch denied for this test\"}")
        .once();

    assertThatThrownBy(() -> scalingDown.advance(run)).isInstanceOf(KubernetesClientException.class);

    RestoreRequestStatus stored = stored();
    assertThat(stored.stage).isEqualTo(RestoreStage.ScalingDown);
    assertThat(stored.scaledDown).as("recorded before the scale was tried").singleElement()
        .satisfies(w -> assertThat(w.replicas).isEqualTo(3));
    assertCondition(stored.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "False", Reasons.SCALING_DOWN,
        "scaling Deployment/rose (3 replicas) to 0", generation());
    assertThat(replicas("rose")).isEqualTo(3);

    // The next reconcile keeps the recorded count rather than reading it again.
    RestoreRun retry = resume();
    assertThat(advance(scalingDown, retry)).isEmpty();
    assertThat(replicas("rose")).isZero();
    assertThat(retry.status.scaledDown).singleElement().satisfies(w -> assertThat(w.replicas).isEqualTo(3));
    assertThat(retry.status.stage).isEqualTo(RestoreStage.SafetyBackup);
  }

  @Test
  void scalingDownWaitsForPodsAndAfterFiveMinutesFailsWithScaleDownTimeoutMovingToScalingUp() {
    deployment("rose", 2);
    runningPod("rose-7d9f-abcde", CLAIM);
    request(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose")));

    RestoreRun first = at(RestoreStage.ScalingDown, this::resolved);
    assertThat(advance(scalingDown, first)).contains(ScalingDownStep.POLL);
    assertThat(first.status.stage).isEqualTo(RestoreStage.ScalingDown);
    assertThat(first.status.message).isEqualTo("waiting for pod(s) rose-7d9f-abcde to stop");
    assertThat(replicas("rose")).isZero();

    clock.advance(Duration.ofMinutes(5).minusSeconds(1));
    RestoreRun almost = resume();
    assertThat(advance(scalingDown, almost)).contains(ScalingDownStep.POLL);
    assertThat(almost.status.stage).isEqualTo(RestoreStage.ScalingDown);

    clock.advance(Duration.ofSeconds(1));
    RestoreRun late = resume();
    assertThat(advance(scalingDown, late)).isEmpty();
    assertThat(late.status.stage).as("on to scaling the app back").isEqualTo(RestoreStage.ScalingUp);
    assertThat(late.status.phase).as("not finished until scaled back").isEqualTo(RestorePhase.Running);
    assertCondition(late.status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "False", Reasons.SCALE_DOWN_TIMEOUT,
        "pod(s) rose-7d9f-abcde still running 5 minutes after scaling down", generation());
    assertCondition(late.status.conditions, ConditionTypes.RESTORED, "False", Reasons.SCALE_DOWN_TIMEOUT,
        "the restore did not start", generation());

    RestoreRun up = resume();
    advance(scalingUp, up);
    assertThat(replicas("rose")).isEqualTo(2);
    assertThat(up.status.phase).isEqualTo(RestorePhase.Failed);
  }

  @Test
  void scalingDownWaitsForThePodsOfAWorkloadSelectedByMatchExpressionsOnly() {
    deploymentSelectedByExpression("rose");
    runningPod("rose-7d9f-abcde", CLAIM);
    request(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose")));
    RestoreRun run = at(RestoreStage.ScalingDown, this::resolved);

    assertThat(advance(scalingDown, run)).contains(ScalingDownStep.POLL);
    assertThat(run.status.stage).isEqualTo(RestoreStage.ScalingDown);
    assertThat(run.status.message).contains("rose-7d9f-abcde");
  }

  @Test
  void scalingDownDoesNotWaitForPodsOfOtherAppsWhenTheWorkloadIsSelectedByMatchExpressionsOnly() {
    deploymentSelectedByExpression("rose");
    client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("lily-5c6d-fghij").withNamespace(NAMESPACE)
            .addToLabels("app", "lily").build())
        .withNewSpec().withNodeName("node-b").addNewContainer().withName("lily").withImage("lily:1").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running").endStatus().build()).create();
    request(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose")));
    RestoreRun run = at(RestoreStage.ScalingDown, this::resolved);

    assertThat(advance(scalingDown, run)).as("no pod of rose runs").isEmpty();
    assertThat(run.status.message).doesNotContain("lily-5c6d-fghij");
    assertThat(run.status.stage).isEqualTo(RestoreStage.SafetyBackup);
  }

  // ---- SafetyBackup ----

  @Test
  void safetyBackupIsSkippedForANewClaimTargetSayingWhy() {
    request(r -> newClaim(r, "memory-restored"));
    RestoreRun run = at(RestoreStage.SafetyBackup, this::resolved);

    assertThat(advance(safetyBackup, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Restoring);
    assertCondition(run.status.conditions, ConditionTypes.SAFETY_BACKUP_TAKEN, "False", Reasons.NOT_REQUESTED,
        "the target is a new, empty PersistentVolumeClaim", generation());
    assertThat(job("safety")).isNull();
  }

  @Test
  void safetyBackupIsSkippedByDefaultForMergeSayingWhy() {
    request(r -> r.getSpec().mode = RestoreMode.Merge);
    RestoreRun run = at(RestoreStage.SafetyBackup, this::resolved);

    assertThat(advance(safetyBackup, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Restoring);
    assertCondition(run.status.conditions, ConditionTypes.SAFETY_BACKUP_TAKEN, "False", Reasons.NOT_REQUESTED,
        "spec.safetyBackup is false by default for Merge", generation());
    assertThat(job("safety")).isNull();
  }

  @Test
  void safetyBackupIsSkippedForReplaceWhenSpecSafetyBackupIsFalse() {
    request(r -> r.getSpec().safetyBackup = false);
    RestoreRun run = at(RestoreStage.SafetyBackup, this::resolved);

    advance(safetyBackup, run);

    Condition skipped = conditionOf(run, ConditionTypes.SAFETY_BACKUP_TAKEN);
    assertThat(skipped.getMessage()).isEqualTo("spec.safetyBackup is false");
    assertThat(run.status.stage).isEqualTo(RestoreStage.Restoring);
    assertThat(job("safety")).isNull();
  }

  @Test
  void safetyBackupForReplaceStartsAPreRestoreBackupJobAndWaits() {
    request(r -> {});
    RestoreRun run = at(RestoreStage.SafetyBackup, this::resolved);

    assertThat(advance(safetyBackup, run)).contains(RestoreStep.JOB_RECHECK);

    Job job = job("safety");
    assertThat(job).isNotNull();
    assertThat(job.getMetadata().getAnnotations()).containsEntry(Lifeboat.BACKUP_ID_ANNOTATION,
        Times.backupId(clock.instant()));
    assertThat(command("safety")).containsSequence("--volume", CLAIM + "=/data/" + CLAIM)
        .containsSequence("--kind", ListedBackup.KIND_PRE_RESTORE)
        .containsSequence("--backup-id", "20251109T140000Z");
    assertThat(run.status.stage).isEqualTo(RestoreStage.SafetyBackup);
    assertThat(run.status.message).isEqualTo("backing up the current contents of " + CLAIM + " before restoring");
    assertThat(job("restore")).isNull();
  }

  @Test
  void aFailedSafetyBackupFailsTheRunWithSafetyBackupFailedLeavingTheTargetUntouched() {
    request(r -> {});
    advance(safetyBackup, at(RestoreStage.SafetyBackup, this::resolved));
    harness.finishJob(job("safety"), false, null, "cannot reach s3\n");
    RestoreRun run = resume();

    assertThat(advance(safetyBackup, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(run.status.conditions, ConditionTypes.SAFETY_BACKUP_TAKEN, "False", Reasons.SAFETY_BACKUP_FAILED,
        "the safety backup failed, so " + CLAIM + " was left untouched: cannot reach s3", generation());
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "False", Reasons.SAFETY_BACKUP_FAILED,
        "left untouched", generation());
    assertThat(run.status.safetyBackup).isNull();
    assertThat(job("restore")).isNull();
  }

  @Test
  void aFailedSafetyBackupAfterScalingDownMovesToScalingUp() {
    request(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose")));
    advance(safetyBackup, at(RestoreStage.SafetyBackup, s -> {
      resolved(s);
      s.scaledDown = List.of(recorded("Deployment", "rose", 2));
    }));
    harness.finishJob(job("safety"), false, null, "cannot reach s3\n");
    RestoreRun run = resume();

    advance(safetyBackup, run);

    assertThat(run.status.stage).isEqualTo(RestoreStage.ScalingUp);
    assertThat(run.status.message).contains("left untouched");
  }

  @Test
  void aSuccessfulSafetyBackupRecordsItsIdAndMovesToRestoring() {
    request(r -> {});
    advance(safetyBackup, at(RestoreStage.SafetyBackup, this::resolved));
    String startedAs = Times.backupId(clock.instant());
    clock.advance(Duration.ofMinutes(3));
    harness.finishJob(job("safety"), true, null, null);
    RestoreRun run = resume();

    assertThat(advance(safetyBackup, run)).isEmpty();

    assertThat(run.status.safetyBackup.id).as("the id the Job was started with").isEqualTo(startedAs);
    assertThat(stored().safetyBackup.id).as("persisted").isEqualTo(startedAs);
    assertThat(run.status.stage).isEqualTo(RestoreStage.Restoring);
    assertCondition(run.status.conditions, ConditionTypes.SAFETY_BACKUP_TAKEN, "True", Reasons.SAFETY_BACKUP_SUCCEEDED,
        "the previous contents of " + CLAIM + " are in backup " + startedAs + " (kept 7 days)", generation());
  }

  @Test
  void scalingDownForACommandLooksForNoPodsUsingAClaimAndGoesOn() {
    request(r -> RequestValidatorTest.dumpIntoCommand(r.getSpec()));
    runningPod("rose-0", CLAIM);
    RestoreRun run = at(RestoreStage.ScalingDown, this::resolved);

    assertThat(advance(scalingDown, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.SafetyBackup);
    assertThat(conditionOf(run, ConditionTypes.WORKLOADS_SCALED_DOWN).getReason()).isEqualTo(Reasons.NOT_REQUESTED);
  }

  @Test
  void theSafetyBackupOfADumpRunsThePolicysDumpCommandAloneBeforeTheRestore() {
    request(r -> RequestValidatorTest.dumpIntoCommand(r.getSpec()));
    RestoreRun run = at(RestoreStage.SafetyBackup, this::resolved, Checked.of(WITH_DUMP));

    assertThat(advance(safetyBackup, run)).contains(RestoreStep.JOB_RECHECK);

    var pod = job("safety").getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers()).extracting(c -> c.getName()).containsExactly("agent", "dump-tzurot-db");
    assertThat(pod.getContainers().get(1).getImage()).isEqualTo("postgres:16");
    assertThat(pod.getVolumes()).noneMatch(v -> v.getPersistentVolumeClaim() != null);
    assertThat(command("safety")).doesNotContain("--volume")
        .containsSequence("--dump", "tzurot-db=/lifeboat/dumps/tzurot-db,timeout=3600")
        .containsSequence("--kind", ListedBackup.KIND_PRE_RESTORE);
    assertThat(run.status.message).isEqualTo("backing up the current contents of dump tzurot-db before restoring");
  }

  @Test
  void aSafetyBackupOfADumpThePolicyDoesNotHaveFailsNamingSafetyBackup() {
    request(r -> RequestValidatorTest.dumpIntoCommand(r.getSpec()));
    RestoreRun run = at(RestoreStage.SafetyBackup, this::resolved);

    assertThat(advance(safetyBackup, run)).isEmpty();

    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(run.status.conditions, ConditionTypes.SAFETY_BACKUP_TAKEN, "False", Reasons.INVALID_SPEC,
        "spec.safetyBackup: BackupPolicy " + POLICY + " has no dump 'tzurot-db' in spec.source.dumps", generation());
    assertThat(job("safety")).isNull();
  }

  @Test
  void restoringIntoACommandStreamsTheDumpIntoTheTargetContainerAndSaysSoWhenDone() {
    request(r -> RequestValidatorTest.dumpIntoCommand(r.getSpec()));
    RestoreRun first = at(RestoreStage.Restoring, this::resolved);
    assertThat(advance(restoring, first)).contains(RestoringStep.PROGRESS_REFRESH);

    var pod = job("restore").getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers()).extracting(c -> c.getName()).containsExactly("agent", "target");
    assertThat(pod.getVolumes()).noneMatch(v -> v.getPersistentVolumeClaim() != null);
    assertThat(command("restore")).containsSequence("--backup", NEWER.id())
        .containsSequence("--dump", "tzurot-db", "--to-command", "/lifeboat/dumps/target").doesNotContain("--target");

    harness.finishJob(job("restore"), true, null, null);
    RestoreRun run = resume();
    assertThat(advance(restoring, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.ScalingUp);
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "True", Reasons.RESTORE_SUCCEEDED,
        "restored dump tzurot-db of backup " + NEWER.id() + " into the command of container target", generation());
  }

  // ---- Restoring ----

  @Test
  void restoringStartsTheRestoreJobOfTheResolvedIdAndReadsProgressFromThePodLogWhileItRuns() {
    request(r -> {});
    RestoreRun first = at(RestoreStage.Restoring, this::resolved);
    assertThat(advance(restoring, first)).contains(RestoringStep.PROGRESS_REFRESH);
    assertThat(command("restore")).containsSequence("--backup", NEWER.id())
        .containsSequence("--target", "/data/" + CLAIM).containsSequence("--mode", "Replace");
    assertThat(first.status.progress).isNull();

    harness.startJob(job("restore"), "restore memory-data: 500 / 1000 bytes (50%)\n");
    RestoreRun run = resume();
    assertThat(advance(restoring, run)).contains(RestoringStep.PROGRESS_REFRESH);

    assertThat(run.status.stage).isEqualTo(RestoreStage.Restoring);
    assertThat(run.status.progress.bytesDone).isEqualTo(500L);
    assertThat(run.status.progress.bytesTotal).isEqualTo(1000L);
    assertThat(run.status.progress.percent).isEqualTo(50);
    assertThat(run.status.message).isEqualTo("restoring backup " + NEWER.id() + " into PersistentVolumeClaim "
        + CLAIM + ": 50%");
    assertThat(stored().progress.percent).as("persisted").isEqualTo(50);
    assertThat(harness.jobs(NAMESPACE)).as("one restore Job").hasSize(1);
  }

  @Test
  void aFailedRestoreNamesTheSafetyBackupIdInTheMessageWhenOneWasTaken() {
    request(r -> {});
    advance(restoring, at(RestoreStage.Restoring, s -> {
      resolved(s);
      s.safetyBackup = new SafetyBackupRef();
      s.safetyBackup.id = SAFETY_ID;
    }));
    harness.finishJob(job("restore"), false, null, "checksum mismatch in memory.db\n");
    RestoreRun run = resume();

    assertThat(advance(restoring, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "False", Reasons.RESTORE_FAILED,
        "restore of backup " + NEWER.id() + " failed: checksum mismatch in memory.db", generation());
    assertThat(run.status.message).contains("checksum mismatch in memory.db")
        .endsWith("the previous contents are in safety backup " + SAFETY_ID);
    assertThat(events()).extracting(Event::getReason).contains(Reasons.RESTORE_FAILED);
  }

  @Test
  void aFailedRestoreWithoutASafetyBackupMentionsNone() {
    request(r -> r.getSpec().mode = RestoreMode.Merge);
    advance(restoring, at(RestoreStage.Restoring, this::resolved));
    harness.finishJob(job("restore"), false, null, "checksum mismatch in memory.db\n");
    RestoreRun run = resume();

    advance(restoring, run);

    assertThat(run.status.message).contains("checksum mismatch").doesNotContain("safety backup");
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
  }

  @Test
  void aSuccessfulRestoreSetsProgressTo100PercentAndMovesToScalingUp() {
    request(r -> {});
    advance(restoring, at(RestoreStage.Restoring, this::resolved));
    harness.startJob(job("restore"), "restore memory-data: 500 / 1000 bytes (50%)\n");
    advance(restoring, resume());
    harness.finishJob(job("restore"), true, null, null);
    RestoreRun run = resume();

    assertThat(advance(restoring, run)).isEmpty();

    assertThat(run.status.stage).isEqualTo(RestoreStage.ScalingUp);
    assertThat(run.status.progress.percent).isEqualTo(100);
    assertThat(run.status.progress.bytesTotal).isEqualTo(1000L);
    assertThat(run.status.progress.bytesDone).isEqualTo(1000L);
    assertCondition(run.status.conditions, ConditionTypes.RESTORED, "True", Reasons.RESTORE_SUCCEEDED,
        "restored backup " + NEWER.id() + " into PersistentVolumeClaim " + CLAIM + " (Replace)", generation());
    assertThat(run.status.phase).as("finished by ScalingUp").isEqualTo(RestorePhase.Running);
  }

  @Test
  void aSuccessfulRestoreWithoutAnyProgressLineTakesTheBackupsSizeAsTheTotal() {
    request(r -> {});
    advance(restoring, at(RestoreStage.Restoring, this::resolved));
    harness.finishJob(job("restore"), true, null, null);
    RestoreRun run = resume();

    advance(restoring, run);

    assertThat(run.status.progress.percent).isEqualTo(100);
    assertThat(run.status.progress.bytesTotal).isEqualTo(NEWER.bytes());
    assertThat(run.status.progress.bytesDone).isEqualTo(NEWER.bytes());
    assertThat(run.status.stage).isEqualTo(RestoreStage.ScalingUp);
  }

  // ---- ScalingUp ----

  @Test
  void scalingUpScalesEachRecordedWorkloadBackNotesTheGoneOnesAndSucceedsWhenRestored() {
    deployment("rose", 0);
    deployment("thorn", 0);
    request(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose"), scaleTarget("Deployment", "gone"),
        scaleTarget("Deployment", "thorn")));
    RestoreRun run = at(RestoreStage.ScalingUp, s -> {
      resolved(s);
      s.scaledDown = List.of(recorded("Deployment", "rose", 2), recorded("Deployment", "gone", 1),
          recorded("Deployment", "thorn", 5));
      s.message = "restored backup " + NEWER.id();
      s.conditions.add(restored("True"));
    });

    assertThat(advance(scalingUp, run)).isEmpty();

    assertThat(replicas("rose")).isEqualTo(2);
    assertThat(replicas("thorn")).isEqualTo(5);
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("gone").get()).isNull();
    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Succeeded);
    assertThat(run.status.completionTime).isEqualTo(Times.rfc3339(clock.instant()));
    String note = "scaled Deployment/rose to 2, Deployment/thorn to 5 again; Deployment/gone no longer exist(s), "
        + "not scaled back";
    assertCondition(run.status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "False", Reasons.SCALED_BACK, note,
        generation());
    assertThat(run.status.message).isEqualTo("restored backup " + NEWER.id() + "; " + note);
    assertThat(events()).extracting(Event::getReason).contains(Reasons.RESTORE_SUCCEEDED);
  }

  @Test
  void scalingUpScalesBackAndFinishesFailedEvenWhenTheSourceCannotBeResolved() {
    assertThat(scalingUp.readsSource()).isFalse();
    deployment("rose", 0);
    request(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose")));
    RestoreRun run = at(RestoreStage.ScalingUp, s -> {
      resolved(s);
      s.scaledDown = List.of(recorded("Deployment", "rose", 2));
      s.message = "BackupPolicy rose-memory named in spec.source.policy does not exist";
      s.conditions.add(restored("False"));
    }, Checked.problem(Reasons.POLICY_NOT_FOUND, "BackupPolicy rose-memory named in spec.source.policy does not exist"));

    assertThat(advance(scalingUp, run)).isEmpty();

    assertThat(replicas("rose")).isEqualTo(2);
    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(run.status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "False", Reasons.SCALED_BACK,
        "scaled Deployment/rose to 2 again", generation());
    assertThat(events()).extracting(Event::getReason).contains(Reasons.RESTORE_FAILED);
    assertThat(stored().stage).as("persisted").isEqualTo(RestoreStage.Done);
  }

  @Test
  void scalingUpWithNothingRecordedJustFinishes() {
    request(r -> {});
    RestoreRun run = at(RestoreStage.ScalingUp, s -> {
      resolved(s);
      s.message = "restored backup " + NEWER.id();
      s.conditions.add(restored("True"));
    });

    assertThat(advance(scalingUp, run)).isEmpty();

    assertThat(run.status.phase).isEqualTo(RestorePhase.Succeeded);
    assertThat(run.status.stage).isEqualTo(RestoreStage.Done);
    assertThat(run.status.message).isEqualTo("restored backup " + NEWER.id());
    assertThat(Conditions.find(run.status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN)).isEmpty();
  }

  // ---- helpers ----

  /** Creates the RestoreRequest (the fixture's restore of the policy's latest backup into its claim) in the API server. */
  RestoreRequest request(Consumer<RestoreRequest> change) {
    RestoreRequest request = Fixtures.restoreFromPolicy(RESTORE);
    change.accept(request);
    return harness.create(request);
  }

  /** A run at {@code stage}, with the status an earlier reconcile left, written to the API server first. */
  RestoreRun at(RestoreStage stage, Consumer<RestoreRequestStatus> earlier) {
    return at(stage, earlier, Checked.of(SOURCE));
  }

  RestoreRun at(RestoreStage stage, Consumer<RestoreRequestStatus> earlier, Checked<ResolvedSource> source) {
    RestoreRequest current = stored(RESTORE);
    RestoreRequestStatus status = current.getStatus() == null ? new RestoreRequestStatus() : current.getStatus();
    status.stage = stage;
    if (stage != RestoreStage.Pending) {
      status.phase = RestorePhase.Running;
      status.startTime = Times.rfc3339(clock.instant());
    }
    earlier.accept(status);
    current.setStatus(status);
    client.resource(current).updateStatus();
    return resume(source);
  }

  /** The next reconcile's run: the request as the API server has it now. */
  RestoreRun resume() {
    return resume(Checked.of(SOURCE));
  }

  RestoreRun resume(Checked<ResolvedSource> source) {
    return new RestoreRun(client, new EventRecorder(client, clock), RunMetrics.NONE, stored(RESTORE), source, clock.instant());
  }

  /** One advance, then the status written as the reconciler does after its steps. */
  static Optional<Duration> advance(RestoreStep step, RestoreRun run) {
    Optional<Duration> wait = step.advance(run);
    run.persist();
    return wait;
  }

  /** What Resolving leaves: NEWER resolved. */
  void resolved(RestoreRequestStatus status) {
    status.backup = new RestoredBackup();
    status.backup.id = NEWER.id();
    status.backup.time = NEWER.time();
    status.backup.bytes = NEWER.bytes();
    status.message = "restoring backup " + NEWER.id();
    status.conditions.add(new ConditionBuilder().withType(ConditionTypes.BACKUP_RESOLVED).withStatus("True")
        .withReason(Reasons.RESOLVED).withMessage(status.message).withObservedGeneration(generation())
        .withLastTransitionTime(Times.rfc3339(clock.instant())).build());
  }

  Condition restored(String status) {
    return new ConditionBuilder().withType(ConditionTypes.RESTORED).withStatus(status)
        .withReason("True".equals(status) ? Reasons.RESTORE_SUCCEEDED : Reasons.POLICY_NOT_FOUND)
        .withMessage("as an earlier step left it").withObservedGeneration(generation())
        .withLastTransitionTime(Times.rfc3339(clock.instant())).build();
  }

  static Condition conditionOf(RestoreRun run, String type) {
    return run.conditions.find(type).orElseThrow(() -> new AssertionError("no condition " + type));
  }

  RestoreRequest stored(String name) {
    return harness.getRestore(NAMESPACE, name);
  }

  RestoreRequestStatus stored() {
    return stored(RESTORE).getStatus();
  }

  long generation() {
    Long generation = stored(RESTORE).getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  static void newClaim(RestoreRequest request, String name) {
    request.getSpec().target.claim = null;
    request.getSpec().target.newClaim = new NewClaim();
    request.getSpec().target.newClaim.name = name;
    request.getSpec().target.newClaim.size = new Quantity("2Gi");
  }

  Job job(String step) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(RESTORE + "-" + step).get();
  }

  List<String> command(String step) {
    return job(step).getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
  }

  List<Event> events() {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems();
  }

  static ListedBackup backup(String id, String time, String kind) {
    return new ListedBackup(id, time, kind, 812_345L, 3L, false, List.of(CLAIM), null);
  }

  static String listing(ListedBackup... backups) {
    try {
      return "picocli warning line before the listing\n"
          + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(List.of(backups)) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ScaleTarget scaleTarget(String kind, String name) {
    ScaleTarget target = new ScaleTarget();
    target.kind = kind;
    target.name = name;
    return target;
  }

  static ScaleTarget recorded(String kind, String name, int replicas) {
    ScaleTarget target = scaleTarget(kind, name);
    target.replicas = replicas;
    return target;
  }

  /** A Deployment selecting its pods by app=NAME. */
  void deployment(String name, int replicas) {
    client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName(name).withImage(name + ":1").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
  }

  /** A Deployment whose selector is {@code app In (NAME)}, with no matchLabels. */
  void deploymentSelectedByExpression(String name) {
    client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(2)
        .withNewSelector().addNewMatchExpression().withKey("app").withOperator("In").withValues(name)
        .endMatchExpression().endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName(name).withImage(name + ":1").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
  }

  int replicas(String deployment) {
    Deployment found = client.apps().deployments().inNamespace(NAMESPACE).withName(deployment).get();
    return found.getSpec().getReplicas();
  }

  /** A running pod of the app (app=rose) on node-a, mounting {@code claim}. */
  void runningPod(String name, String claim) {
    client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).addToLabels("app", "rose").build())
        .withNewSpec().withNodeName("node-a").addNewContainer().withName("rose").withImage("rose:1").endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim()
        .endVolume().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build()).create();
  }
}
