package dev.lifeboat.operator;

import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.api.v1alpha1.VerifySpec;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.StuckPods;
import dev.lifeboat.common.Times;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.KilledOperator;
import dev.lifeboat.testing.LogCapture;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.ReconcileHarness;
import dev.lifeboat.testing.ScaleSubresource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator killed at every step of a backup run, a restore drill and a restore, and a new one started against
 * the same API server with nothing in memory. The kill points are not picked by hand: the scenario
 * is played once to list every write the operator makes (Job created, status written, workload
 * scaled, Event posted), then once per write with the process dying just before it — after the Job
 * is created but before status says so, after a Job finished but before its result is written,
 * between scaling one workload and the next, before scale-up — and once per reconcile with the
 * process replaced before it (while a Job runs, while pods stop). Every play must end as the
 * uninterrupted one does: exactly one Job per run, the result recorded, no backup lost, every
 * workload back at its own replica count.
 *
 * <p>The reconcilers are driven as JOSDK drives them ({@link ReconcileHarness}); the kill is a
 * client that stops reaching the API server ({@link dev.lifeboat.testing.OperatorCrash}), which is
 * all a dead process is to the cluster. A write the API server applied but whose reply the process
 * never saw is the same as a kill before the next write, so it is covered too.
 */
class OperatorRestartTest {
  static final List<ListedBackup> EARLIER = List.of(
      new ListedBackup("20251107T020000Z", "2025-11-07T02:00:41Z", "scheduled", 800_000L, 3L, false, List.of(CLAIM), null),
      new ListedBackup("20251108T020000Z", "2025-11-08T02:00:41Z", "scheduled", 810_000L, 3L, false, List.of(CLAIM), null));
  static final String RESTORE = "restore-memory";
  static final String NO_SECRET = "secret \"s3-credentials\" not found";

  /** The Events a killed operator could not write: expected, so kept off the build's output. */
  @RegisterExtension
  final LogCapture eventsNotWritten = LogCapture.of(EventRecorder.class);
  KubernetesClient client;
  KubernetesMockServer server;
  MutableClock clock;
  ReconcileHarness harness;

  @BeforeEach
  void startCluster() {
    server = ScaleSubresource.crudServer();
    client = server.createClient();
  }

  @AfterEach
  void stopCluster() {
    client.close();
    server.destroy();
  }

  @TestFactory
  Stream<DynamicTest> aScheduledBackupRunSurvivesTheOperatorKilledAtEveryStep() {
    return killedAtEveryStep(this::scheduledBackup, this::assertOneRecordedRun);
  }

  @TestFactory
  Stream<DynamicTest> aManualBackupRunSurvivesTheOperatorKilledAtEveryStep() {
    return killedAtEveryStep(this::manualBackup, this::assertOneRecordedRun);
  }

  @TestFactory
  Stream<DynamicTest> aRunWhosePodCannotStartIsRecordedAsFailedWhereverTheOperatorIsKilled() {
    return killedAtEveryStep(this::stuckBackup, this::assertOneFailedRunGone);
  }

  @TestFactory
  Stream<DynamicTest> aRestoreDrillSurvivesTheOperatorKilledAtEveryStep() {
    return killedAtEveryStep(this::restoreDrill, this::assertOneRecordedDrill);
  }

  @TestFactory
  Stream<DynamicTest> aRestoreSurvivesTheOperatorKilledAtEveryStep() {
    return killedAtEveryStep(operator -> restore(operator, true), this::assertRestoredAndScaledBack);
  }

  @TestFactory
  Stream<DynamicTest> aFailedRestoreStillScalesBackWhereverTheOperatorIsKilled() {
    return killedAtEveryStep(operator -> restore(operator, false), this::assertFailedAndScaledBack);
  }

  /**
   * Plays {@code scenario} once uninterrupted to learn the operator's writes and reconciles, then
   * once per write with the operator killed just before it, and once per reconcile with the
   * operator replaced before it; each play must pass {@code check}.
   */
  Stream<DynamicTest> killedAtEveryStep(Consumer<KilledOperator> scenario, Consumer<KilledOperator> check) {
    KilledOperator uninterrupted = play(scenario, KilledOperator::never);
    check.accept(uninterrupted);
    List<String> writes = uninterrupted.writes();
    assertThat(writes).as("the scenario makes the operator write").isNotEmpty();
    Stream<DynamicTest> betweenReconciles = IntStream.rangeClosed(2, uninterrupted.reconciles()).mapToObj(n ->
        dynamicTest("replaced before reconcile " + n + " of " + uninterrupted.reconciles(), () -> check.accept(
            play(scenario, (client, harness, clock) -> KilledOperator.beforeReconcile(client, harness, clock, n)))));
    Stream<DynamicTest> beforeWrites = IntStream.rangeClosed(1, writes.size()).mapToObj(n ->
        dynamicTest("killed before write " + n + " of " + writes.size() + ": " + writes.get(n - 1), () -> check.accept(
            play(scenario, (client, harness, clock) -> KilledOperator.beforeWrite(client, harness, clock, n)))));
    return Stream.concat(betweenReconciles, beforeWrites);
  }

  /** How a play's operator is started (and when it will be killed). */
  interface Start {
    KilledOperator start(KubernetesClient client, ReconcileHarness harness, MutableClock clock);
  }

  /** A fresh API server (the store emptied), then the scenario with the operator {@code started} there. */
  KilledOperator play(Consumer<KilledOperator> scenario, Start started) {
    server.reset();
    ReconcileHarness.installCrds(client);
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim(CLAIM)).create();
    clock = new MutableClock(Instant.now());
    harness = new ReconcileHarness(client, server, clock);
    try (KilledOperator operator = started.start(client, harness, clock)) {
      scenario.accept(operator);
      return operator;
    }
  }

  // ---- a backup run ----

  /** The 02:00 run the day after the policy was created: listing, Job started, running, finished, recorded. */
  void scheduledBackup(KilledOperator operator) {
    BackupPolicy created = createPolicy(Fixtures.dailyPolicy());
    operator.reconcile(this::reconcilePolicy); // lists the repository: two earlier backups
    clock.set(dayAfter(created, LocalTime.of(2, 0)));
    runToTheEnd(operator);
  }

  /** A manual run (spec.trigger.manual) right after the policy was created. */
  void manualBackup(KilledOperator operator) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getSpec().schedule = Fixtures.dailyAwayFromNow(); // at 01:57 UTC a 02:00 run used to join in
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "before-the-upgrade";
    createPolicy(policy);
    operator.reconcile(this::reconcilePolicy);
    clock.advance(Duration.ofMinutes(1));
    runToTheEnd(operator);
  }

  static Instant dayAfter(BackupPolicy created, LocalTime at) {
    return Times.parse(created.getMetadata().getCreationTimestamp()).atZone(ZoneOffset.UTC).toLocalDate().plusDays(1)
        .atTime(at).toInstant(ZoneOffset.UTC);
  }

  BackupPolicy createPolicy(BackupPolicy policy) {
    harness.repositoryHolds(listing(EARLIER));
    return harness.create(policy);
  }

  /** From a due run: started, its pod running, finished, recorded, one more look. Every Job started is run to its end. */
  void runToTheEnd(KilledOperator operator) {
    operator.reconcile(this::reconcilePolicy); // starts the run
    runJobs().forEach(job -> harness.startJob(job, "backing up\n"));
    clock.advance(Duration.ofMinutes(1));
    operator.reconcile(this::reconcilePolicy); // while it runs
    runJobs().stream().filter(job -> !JobOutcomeReader.finished(job)).forEach(job ->
        harness.finishJob(job, true, succeeded(JobOutcomeReader.backupId(job)), null));
    clock.advance(Duration.ofMinutes(1));
    operator.reconcile(this::reconcilePolicy); // records the result
    runJobs().stream().filter(job -> !JobOutcomeReader.finished(job)).forEach(job ->
        harness.finishJob(job, true, succeeded(JobOutcomeReader.backupId(job)), null));
    clock.advance(Duration.ofMinutes(1));
    operator.reconcile(this::reconcilePolicy);
  }

  /**
   * The 02:00 run whose pod cannot start (its Secret is missing): given up after the grace the
   * kubelet gets, recorded as failed, its Job deleted once that is written.
   */
  void stuckBackup(KilledOperator operator) {
    BackupPolicy created = createPolicy(Fixtures.dailyPolicy());
    operator.reconcile(this::reconcilePolicy);
    clock.set(dayAfter(created, LocalTime.of(2, 0)));
    operator.reconcile(this::reconcilePolicy); // starts the run
    Instant since = clock.instant();
    runJobs().forEach(job -> harness.podWaiting(job, "CreateContainerConfigError", NO_SECRET, since));
    clock.advance(Duration.ofMinutes(1));
    operator.reconcile(this::reconcilePolicy); // the kubelet still gets its grace
    clock.advance(StuckPods.CONTAINER_GRACE);
    operator.reconcile(this::reconcilePolicy); // gives up: recorded, then the Job deleted
    clock.advance(Duration.ofMinutes(1));
    operator.reconcile(this::reconcilePolicy);
  }

  void reconcilePolicy() {
    harness.reconcile(NAMESPACE, POLICY);
  }

  /** The policy's backup run Jobs (not its repository listing). */
  List<Job> runJobs() {
    return harness.jobs(NAMESPACE).stream().filter(job -> JobOutcomeReader.backupId(job) != null).toList();
  }

  static AgentResult succeeded(String id) {
    return new AgentResult(AgentResult.CURRENT_VERSION, "backup", id, BackupPhase.Succeeded, null, null, 900_000L, 3L,
        "sha256:00", 1.0, false, "backed up 3 files", null);
  }

  void assertOneRecordedRun(KilledOperator operator) {
    assertThat(operator.jobsCreated()).as("Jobs created: the repository listing and the run").isEqualTo(2);
    List<Job> runs = runJobs();
    assertThat(runs).as("one Job for the run").extracting(job -> job.getMetadata().getName()).hasSize(1);
    String id = JobOutcomeReader.backupId(runs.get(0));
    BackupPolicyStatus status = harness.get(NAMESPACE, POLICY).getStatus();
    assertThat(status.lastBackup.id).as("the run is recorded").isEqualTo(id);
    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Succeeded);
    assertThat(status.lastBackup.bytes).isEqualTo(900_000L);
    assertThat(status.backups).as("no backup lost").extracting(b -> b.id)
        .containsExactly(id, EARLIER.get(1).id(), EARLIER.get(0).id());
    assertThat(status.recent.succeeded).as("counted once").isEqualTo(1);
  }

  void assertOneFailedRunGone(KilledOperator operator) {
    assertThat(operator.jobsCreated()).as("Jobs created: the repository listing and the run").isEqualTo(2);
    assertThat(runJobs()).as("the Job that could not start is deleted").isEmpty();
    BackupPolicyStatus status = harness.get(NAMESPACE, POLICY).getStatus();
    assertThat(status.lastBackup.phase).as("the run is recorded").isEqualTo(BackupPhase.Failed);
    assertThat(status.lastBackup.message).contains(NO_SECRET);
    assertThat(status.recent.failed).as("counted once").isEqualTo(1);
    assertThat(status.backups).as("no backup lost").extracting(b -> b.id)
        .containsExactly(EARLIER.get(1).id(), EARLIER.get(0).id());
  }

  // ---- a restore drill ----

  /** The 04:00 drill (spec.verify) the day after the policy was created, of the newest backup the listing found. */
  void restoreDrill(KilledOperator operator) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getSpec().schedule = Fixtures.yearlyAwayFromNow(); // no backup run in the way
    policy.getSpec().verify = new VerifySpec();
    policy.getSpec().verify.schedule = "0 4 * * *";
    BackupPolicy created = createPolicy(policy);
    operator.reconcile(this::reconcilePolicy);
    clock.set(dayAfter(created, LocalTime.of(4, 0)));
    operator.reconcile(this::reconcilePolicy); // starts the drill
    drillJobs().forEach(job -> harness.startJob(job, "verifying\n"));
    clock.advance(Duration.ofMinutes(1));
    operator.reconcile(this::reconcilePolicy);
    finishDrills();
    clock.advance(Duration.ofMinutes(1));
    operator.reconcile(this::reconcilePolicy); // records the result
    finishDrills();
    clock.advance(Duration.ofMinutes(1));
    operator.reconcile(this::reconcilePolicy);
  }

  List<Job> drillJobs() {
    return harness.jobs(NAMESPACE).stream()
        .filter(job -> job.getMetadata().getAnnotations().containsKey(Lifeboat.VERIFIED_BACKUP_ANNOTATION)).toList();
  }

  void finishDrills() {
    drillJobs().stream().filter(job -> !JobOutcomeReader.finished(job)).forEach(job -> harness.finishJob(job, true,
        new AgentResult(AgentResult.CURRENT_VERSION, "verify", job.getMetadata().getAnnotations()
            .get(Lifeboat.VERIFIED_BACKUP_ANNOTATION), BackupPhase.Succeeded, null, null, null, null, null, null, false,
            "all checksums match", null), null));
  }

  void assertOneRecordedDrill(KilledOperator operator) {
    assertThat(operator.jobsCreated()).as("Jobs created: the repository listing and the drill").isEqualTo(2);
    List<Job> drills = drillJobs();
    assertThat(drills).as("one Job for the drill").extracting(job -> job.getMetadata().getName()).hasSize(1);
    BackupPolicyStatus status = harness.get(NAMESPACE, POLICY).getStatus();
    assertThat(status.lastVerification.job).as("the drill is recorded").isEqualTo(drills.get(0).getMetadata().getName());
    assertThat(status.lastVerification.result).isEqualTo("Succeeded");
    assertThat(status.lastVerification.id).isEqualTo(EARLIER.get(1).id());
    assertThat(runJobs()).as("no backup run").isEmpty();
    assertThat(status.backups).as("no backup lost").extracting(b -> b.id)
        .containsExactly(EARLIER.get(1).id(), EARLIER.get(0).id());
  }

  // ---- a restore ----

  /**
   * A Replace restore that scales down a Deployment (2 replicas, its pod stopping only on a later
   * look) and a StatefulSet (3), takes a safety backup, restores ({@code restoreSucceeds} or its
   * Job fails) and scales both back.
   */
  void restore(KilledOperator operator, boolean restoreSucceeds) {
    client.resource(Fixtures.dailyPolicy()).create();
    client.apps().deployments().inNamespace(NAMESPACE).resource(Fixtures.app(2)).create();
    client.apps().statefulSets().inNamespace(NAMESPACE).resource(new StatefulSetBuilder()
        .withNewMetadata().withName("rose-db").withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", "rose-db").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "rose-db").endMetadata()
        .withNewSpec().addNewContainer().withName("db").withImage("db:1").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
        .withNewMetadata().withName("rose-5d4f-x2").withNamespace(NAMESPACE).addToLabels("app", "rose").endMetadata()
        .withNewSpec().addNewContainer().withName("rose").withImage("rose:1").endContainer().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build()).create();
    RestoreRequest request = Fixtures.restoreFromPolicy(RESTORE);
    request.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose"), scaleTarget("StatefulSet", "rose-db"));
    harness.create(request);

    operator.reconcile(this::reconcileRestore); // lists the repository
    harness.finishJob(restoreJob("list"), true, null, null, listing(EARLIER));
    operator.reconcile(this::reconcileRestore); // picks the backup, scales down; the app's pod still runs
    client.pods().inNamespace(NAMESPACE).withName("rose-5d4f-x2").delete(); // the ReplicaSet stops it
    operator.reconcile(this::reconcileRestore); // no pod left: safety backup
    harness.startJob(restoreJob("safety"), "backing up\n");
    operator.reconcile(this::reconcileRestore);
    Job safety = restoreJob("safety");
    harness.finishJob(safety, true, succeeded(JobOutcomeReader.backupId(safety)), null);
    operator.reconcile(this::reconcileRestore); // safety backup recorded: restore
    harness.startJob(restoreJob("restore"), "restore memory-data: 1000 / 4000 bytes (25%)\n");
    operator.reconcile(this::reconcileRestore);
    harness.finishJob(restoreJob("restore"), restoreSucceeds, new AgentResult(AgentResult.CURRENT_VERSION, "restore",
        null, restoreSucceeds ? BackupPhase.Succeeded : BackupPhase.Failed, null, null, 810_000L, 3L, null, 1.0, null,
        restoreSucceeds ? "restored 3 files" : "checksum mismatch in archive.tar.zst", null), null);
    operator.reconcile(this::reconcileRestore); // restored: scales back, done
    operator.reconcile(this::reconcileRestore);
  }

  static ScaleTarget scaleTarget(String kind, String name) {
    ScaleTarget target = new ScaleTarget();
    target.kind = kind;
    target.name = name;
    return target;
  }

  void reconcileRestore() {
    harness.reconcileRestore(NAMESPACE, RESTORE);
  }

  Job restoreJob(String step) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(RESTORE + "-" + step).get();
  }

  void assertRestoredAndScaledBack(KilledOperator operator) {
    assertEndedAndScaledBack(operator, RestorePhase.Succeeded);
  }

  void assertFailedAndScaledBack(KilledOperator operator) {
    assertEndedAndScaledBack(operator, RestorePhase.Failed);
    assertThat(harness.getRestore(NAMESPACE, RESTORE).getStatus().message).contains("checksum mismatch")
        .contains("the previous contents are in safety backup");
  }

  void assertEndedAndScaledBack(KilledOperator operator, RestorePhase phase) {
    assertThat(operator.jobsCreated()).as("Jobs created: listing, safety backup, restore").isEqualTo(3);
    RestoreRequestStatus status = harness.getRestore(NAMESPACE, RESTORE).getStatus();
    assertThat(status.stage).isEqualTo(RestoreStage.Done);
    assertThat(status.phase).as(status.message).isEqualTo(phase);
    assertThat(status.backup.id).isEqualTo(EARLIER.get(1).id());
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("rose").get().getSpec().getReplicas())
        .as("the Deployment scaled back").isEqualTo(2);
    assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).withName("rose-db").get().getSpec().getReplicas())
        .as("the StatefulSet scaled back").isEqualTo(3);
    List<Job> jobs = client.batch().v1().jobs().inNamespace(NAMESPACE).withLabel(Lifeboat.RESTORE_LABEL, RESTORE)
        .list().getItems();
    assertThat(jobs).as("one Job per step, each run once to its end").allMatch(JobOutcomeReader::finished)
        .extracting(job -> job.getMetadata().getName())
        .containsExactlyInAnyOrder(RESTORE + "-list", RESTORE + "-safety", RESTORE + "-restore");
    assertThat(status.safetyBackup.id).as("the safety backup is not lost")
        .isEqualTo(JobOutcomeReader.backupId(restoreJob("safety")));
  }

  static String listing(List<ListedBackup> backups) {
    try {
      return new ObjectMapper().writeValueAsString(backups) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
