package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.common.CrossNamespaceRestore;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.NewClaim;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RepositorySource;
import dev.lifeboat.api.v1alpha1.RestoreMode;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The RestoreRequest controller against the mock API server, playing each Job's outcome. */
class RestoreRequestReconcilerTest extends ControllerTest {
  static final String RESTORE = "restore-memory";
  static final ListedBackup OLDER = backup("20251108T020000Z", "2025-11-08T02:00:41Z", "scheduled", CLAIM);
  static final ListedBackup NEWER = backup("20251109T020000Z", "2025-11-09T02:00:41Z", "scheduled", CLAIM);
  static final ListedBackup SAFETY = backup("20251109T120000Z", "2025-11-09T12:00:07Z", "pre-restore", CLAIM);


  @Override
  protected String clockStart() {
    return "2025-11-09T14:00:00Z";
  }

  @BeforeEach
  void policyToRestoreFrom() {
    client.resource(Fixtures.dailyPolicy()).create();
  }

  static ListedBackup backup(String id, String time, String kind, String... volumes) {
    return new ListedBackup(id, time, kind, 812_345L, 3L, false, List.of(volumes), null);
  }

  static String listing(ListedBackup... backups) {
    try {
      return "picocli warning line before the listing\n"
          + new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
              .writeValueAsString(List.of(backups)) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  RestoreRequest apply(Consumer<RestoreRequest> change) {
    RestoreRequest request = Fixtures.restoreFromPolicy(RESTORE);
    change.accept(request);
    return harness.create(request);
  }

  RestoreRequestStatus reconcile() {
    harness.reconcileRestore(NAMESPACE, RESTORE);
    return harness.getRestore(NAMESPACE, RESTORE).getStatus();
  }

  Job job(String step) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(RESTORE + "-" + step).get();
  }

  List<String> command(String step) {
    return job(step).getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
  }

  AgentResult result(String command, boolean succeeded, String message) {
    return new AgentResult(AgentResult.CURRENT_VERSION, command, null, succeeded ? BackupPhase.Succeeded : BackupPhase.Failed,
        null, null, 812_345L, 3L, null, 1.0, null, message, null);
  }

  /** Resolves against a listing of OLDER, NEWER and a newer safety backup. */
  RestoreRequestStatus resolve() {
    reconcile();
    harness.finishJob(job("list"), true, null, null, listing(SAFETY, NEWER, OLDER));
    return reconcile();
  }

  List<Event> events() {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems();
  }

  @Test
  void latestSkipsSafetyBackupsTakesASafetyBackupAndRestoresWithProgress() {
    apply(r -> {});
    RestoreRequestStatus status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Running);
    assertThat(command("list")).containsSequence("lifeboat", "agent", "list").containsSequence("--namespace", NAMESPACE,
        "--policy", POLICY);

    harness.finishJob(job("list"), true, null, null, listing(SAFETY, NEWER, OLDER));
    status = reconcile();
    assertThat(status.backup.id).isEqualTo(NEWER.id());
    assertThat(status.backup.time).isEqualTo(NEWER.time());
    assertThat(status.backup.bytes).isEqualTo(812_345L);
    assertCondition(status.conditions, ConditionTypes.BACKUP_RESOLVED, "True", Reasons.RESOLVED,
        "restoring backup " + NEWER.id() + " (812345 bytes, completed " + NEWER.time() + ")", 1L);
    assertThat(command("safety")).containsSequence("--volume", CLAIM + "=/data/" + CLAIM)
        .containsSequence("--kind", "pre-restore").doesNotContain("--retention");
    assertThat(job("restore")).as("no restore before the safety backup").isNull();

    harness.finishJob(job("safety"), true, result("backup", true, "backed up 3 files"), null);
    status = reconcile();
    String safetyId = job("safety").getMetadata().getAnnotations().get(Lifeboat.BACKUP_ID_ANNOTATION);
    assertThat(status.safetyBackup.id).isEqualTo(safetyId);
    assertCondition(status.conditions, ConditionTypes.SAFETY_BACKUP_TAKEN, "True", Reasons.SAFETY_BACKUP_SUCCEEDED,
        "the previous contents of " + CLAIM + " are in backup " + safetyId, 1L);
    assertThat(command("restore")).containsSequence("--backup", NEWER.id()).containsSequence("--target", "/data/" + CLAIM)
        .containsSequence("--mode", "Replace");

    harness.startJob(job("restore"), "restore memory-data: 1000 / 4000 bytes (25%)\n"
        + "restore memory-data: 3000 / 4000 bytes (75%)\n");
    status = reconcile();
    assertThat(status.progress.bytesDone).isEqualTo(3000L);
    assertThat(status.progress.bytesTotal).isEqualTo(4000L);
    assertThat(status.progress.percent).isEqualTo(75);
    assertThat(status.phase).isEqualTo(RestorePhase.Running);

    harness.finishJob(job("restore"), true, result("restore", true, "restored 3 files"), null);
    status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Succeeded);
    assertThat(status.stage).isEqualTo(RestoreStage.Done);
    assertThat(status.progress.percent).isEqualTo(100);
    assertThat(status.completionTime).isNotNull();
    assertCondition(status.conditions, ConditionTypes.RESTORED, "True", Reasons.RESTORE_SUCCEEDED,
        "restored backup " + NEWER.id() + " into PersistentVolumeClaim " + CLAIM, 1L);
    assertThat(events()).extracting(Event::getReason).contains(Reasons.RESTORE_STARTED, Reasons.RESTORE_SUCCEEDED);
  }

  @Test
  void beforePicksTheNewestBackupTakenAtOrBeforeThatTime() {
    apply(r -> r.getSpec().source.before = "2025-11-08T23:00:00Z");
    assertThat(resolve().backup.id).isEqualTo(OLDER.id());
  }

  @Test
  void anExplicitIdMayNameASafetyBackupToUndoARestore() {
    apply(r -> r.getSpec().source.backup = SAFETY.id());
    assertThat(resolve().backup.id).isEqualTo(SAFETY.id());
  }

  @Test
  void anUnknownIdFailsSayingWhatTheRepositoryHolds() {
    apply(r -> r.getSpec().source.backup = "20240101T000000Z");
    RestoreRequestStatus status = resolve();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(status.conditions, ConditionTypes.BACKUP_RESOLVED, "False", Reasons.BACKUP_NOT_FOUND,
        "no backup 20240101T000000Z (spec.source.backup)", 1L);
    assertThat(status.message).contains("20240101T000000Z").contains("newest " + SAFETY.id());
    assertThat(job("restore")).isNull();
  }

  @Test
  void aBackupOfSeveralVolumesNeedsAClaimAndAWrongOneListsThoseThere() {
    apply(r -> r.getSpec().source.claim = "not-there");
    reconcile();
    harness.finishJob(job("list"), true, null, null,
        listing(backup("20251109T020000Z", "2025-11-09T02:00:41Z", "scheduled", "app-db", "app-files")));
    RestoreRequestStatus status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(status.conditions, ConditionTypes.BACKUP_RESOLVED, "False", Reasons.CLAIM_NOT_IN_BACKUP,
        "spec.source.claim: backup 20251109T020000Z has no volume 'not-there'", 1L);
    assertThat(status.message).contains("spec.source.claim").contains("app-db, app-files");
  }

  @Test
  void missingPolicyFailsNamingTheField() {
    apply(r -> r.getSpec().source.policy = "no-such-policy");
    RestoreRequestStatus status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(status.conditions, ConditionTypes.BACKUP_RESOLVED, "False", Reasons.POLICY_NOT_FOUND,
        "BackupPolicy no-such-policy named in spec.source.policy does not exist", 1L);
    assertThat(status.message).contains("spec.source.policy").contains("no-such-policy");
    assertThat(harness.jobs(NAMESPACE)).isEmpty();
    assertCondition(status.conditions, ConditionTypes.STALLED, "True", Reasons.POLICY_NOT_FOUND, "spec.source.policy", 1L);
  }

  @Test
  void anotherNamespacesBackupsAreDeniedByDefaultAndReadableWithTheSetting() {
    Consumer<RestoreRequest> fromOtherNamespace = r -> {
      r.getSpec().source.policy = null;
      r.getSpec().source.repository = new RepositorySource();
      r.getSpec().source.repository.s3 = Fixtures.dailyPolicy().getSpec().destination.s3;
      r.getSpec().source.repository.namespace = "lily";
      r.getSpec().source.repository.policy = "lily-notes";
    };
    apply(fromOtherNamespace);
    RestoreRequestStatus denied = reconcile();
    assertThat(denied.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(denied.conditions, ConditionTypes.BACKUP_RESOLVED, "False", Reasons.CROSS_NAMESPACE_DENIED,
        "may not read backups of namespace lily", 1L);
    assertThat(denied.message).contains("spec.source.repository.namespace").contains("lily");

    harness.allowCrossNamespaceRestore(CrossNamespaceRestore.parse("lily"));
    client.resources(RestoreRequest.class).inNamespace(NAMESPACE).withName(RESTORE).delete();
    await(() -> harness.getRestore(NAMESPACE, RESTORE) == null);
    apply(fromOtherNamespace);
    RestoreRequestStatus allowed = reconcile();
    assertThat(allowed.phase).isEqualTo(RestorePhase.Running);
    assertThat(command("list")).containsSequence("--namespace", "lily", "--policy", "lily-notes");
  }

  @Test
  void encryptedBackupWithoutAKeyFails() {
    apply(r -> {});
    reconcile();
    harness.finishJob(job("list"), true, null, null, listing(new ListedBackup(NEWER.id(), NEWER.time(), "scheduled",
        1000L, 3L, false, List.of(CLAIM), "a1b2c3d4")));
    RestoreRequestStatus status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(status.conditions, ConditionTypes.BACKUP_RESOLVED, "False", Reasons.KEY_MISSING,
        "backup " + NEWER.id() + " is encrypted (key id a1b2c3d4)", 1L);
  }

  @Test
  void aFailedRestoreNamesTheAgentsReasonAndTheSafetyBackup() {
    apply(r -> {});
    resolve();
    harness.finishJob(job("safety"), true, result("backup", true, "backed up 3 files"), null);
    reconcile();
    String message = "checksum mismatch in backup " + NEWER.id() + ", volume memory-data, file memory.db";
    harness.finishJob(job("restore"), false, result("restore", false, message), null);
    RestoreRequestStatus status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(status.conditions, ConditionTypes.RESTORED, "False", Reasons.RESTORE_FAILED,
        "restore of backup " + NEWER.id() + " failed: " + message, 1L);
    assertThat(status.message).contains("memory.db").contains("safety backup " + status.safetyBackup.id);
    assertThat(events()).extracting(Event::getReason).contains(Reasons.RESTORE_FAILED);
    // What GitOps tools read: not Ready, and Stalled, since this request never runs again.
    assertCondition(status.conditions, ConditionTypes.READY, "False", Reasons.RESTORE_FAILED, "memory.db", 1L);
    assertCondition(status.conditions, ConditionTypes.STALLED, "True", Reasons.RESTORE_FAILED, "memory.db", 1L);
  }

  @Test
  void workloadsAreScaledToZeroAfterTheirReplicasAreRecordedAndBackAfterAFailureAcrossARestart() {
    client.apps().deployments().inNamespace(NAMESPACE).resource(Fixtures.app(2)).create();
    runningPod("rose-7d9f-abcde", "node-a");
    apply(r -> r.getSpec().scaleDown = List.of(scaleTarget("Deployment", "rose")));
    resolve();
    RestoreRequestStatus status = harness.getRestore(NAMESPACE, RESTORE).getStatus();
    assertThat(status.scaledDown).singleElement().satisfies(w -> assertThat(w.replicas).isEqualTo(2));
    assertThat(replicas("rose")).isZero();
    assertThat(status.message).contains("rose-7d9f-abcde");
    assertThat(job("safety")).as("nothing runs while the app's pod is still there").isNull();

    harness.newOperatorInstance(); // the operator restarts while the pods stop
    client.pods().inNamespace(NAMESPACE).withName("rose-7d9f-abcde").delete();
    await(() -> client.pods().inNamespace(NAMESPACE).withName("rose-7d9f-abcde").get() == null);
    status = reconcile();
    assertCondition(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "True", Reasons.SCALED_DOWN,
        "Deployment/rose (2 replicas) scaled to 0", 1L);
    assertThat(job("safety")).isNotNull();

    harness.finishJob(job("safety"), false, null, "cannot reach s3\n");
    status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertThat(replicas("rose")).as("scaled back to the recorded count").isEqualTo(2);
    assertCondition(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "False", Reasons.SCALED_BACK,
        "scaled Deployment/rose to 2 again", 1L);
    assertThat(status.message).contains("left untouched").contains("Deployment/rose to 2");
    assertThat(job("restore")).isNull();
  }

  @Test
  void aMissingWorkloadFailsBeforeAnythingIsScaled() {
    apply(r -> r.getSpec().scaleDown = List.of(scaleTarget("StatefulSet", "no-such-set")));
    RestoreRequestStatus status = resolve();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(status.conditions, ConditionTypes.WORKLOADS_SCALED_DOWN, "False", Reasons.WORKLOAD_NOT_FOUND,
        "StatefulSet/no-such-set named in spec.scaleDown does not exist", 1L);
    assertThat(status.message).contains("StatefulSet/no-such-set").contains("spec.scaleDown");
  }

  @Test
  void aClaimInUseWithoutScaleDownNamesThePodAndPinsTheJobsToItsNode() {
    runningPod("rose-7d9f-abcde", "node-a");
    apply(r -> {});
    RestoreRequestStatus status = resolve();
    assertThat(status.message).contains("in use by pod rose-7d9f-abcde").contains("spec.scaleDown");
    var affinity = job("safety").getSpec().getTemplate().getSpec().getAffinity();
    assertThat(affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()
        .get(0).getMatchFields().get(0).getValues()).containsExactly("node-a");
  }

  @Test
  void aNewClaimIsCreatedWithoutAnOwnerAndNeedsNoSafetyBackup() {
    apply(r -> {
      r.getSpec().target.claim = null;
      r.getSpec().target.newClaim = new NewClaim();
      r.getSpec().target.newClaim.name = "memory-restored";
      r.getSpec().target.newClaim.size = new Quantity("2Gi");
    });
    resolve();
    PersistentVolumeClaim created = client.persistentVolumeClaims().inNamespace(NAMESPACE).withName("memory-restored").get();
    assertThat(created.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(created.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("2Gi"));
    assertThat(job("safety")).isNull();
    assertThat(command("restore")).containsSequence("--target", "/data/memory-restored");
    assertCondition(harness.getRestore(NAMESPACE, RESTORE).getStatus().conditions, ConditionTypes.SAFETY_BACKUP_TAKEN,
        "False", Reasons.NOT_REQUESTED, "the target is a new, empty PersistentVolumeClaim", 1L);
  }

  @Test
  void aNewClaimThatExistsAlreadyIsNotTakenOver() {
    apply(r -> {
      r.getSpec().target.claim = null;
      r.getSpec().target.newClaim = new NewClaim();
      r.getSpec().target.newClaim.name = CLAIM;
      r.getSpec().target.newClaim.size = new Quantity("1Gi");
    });
    RestoreRequestStatus status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(status.conditions, ConditionTypes.RESTORED, "False", Reasons.CLAIM_EXISTS,
        "spec.target.newClaim.name: PersistentVolumeClaim " + CLAIM + " already exists", 1L);
    assertThat(status.message).contains("spec.target.newClaim.name");
  }

  @Test
  void aMissingTargetClaimKeepsTheRestorePendingUntilItExists() {
    apply(r -> r.getSpec().target.claim = "later-claim");
    RestoreRequestStatus status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Pending);
    assertThat(status.message).contains("later-claim").contains("spec.target.claim");
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim("later-claim")).create();
    assertThat(reconcile().phase).isEqualTo(RestorePhase.Running);
  }

  @Test
  void readyIsFalseWhileTheRestoreWaitsOrRunsAndTrueOnceTheDataIsBack() {
    apply(r -> r.getSpec().target.claim = "later-claim");
    RestoreRequestStatus status = reconcile();
    assertCondition(status.conditions, ConditionTypes.READY, "False", Reasons.WAITING_FOR_CLAIM, "later-claim", 1L);
    assertThat(status.observedGeneration).as("kstatus compares it with metadata.generation").isEqualTo(1L);

    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim("later-claim")).create();
    status = resolve();
    assertCondition(status.conditions, ConditionTypes.READY, "False", Reasons.RESTORE_IN_PROGRESS, "", 1L);
    harness.finishJob(job("safety"), true, result("backup", true, "backed up 3 files"), null);
    reconcile();
    harness.finishJob(job("restore"), true, result("restore", true, "restored 3 files"), null);
    status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Succeeded);
    assertCondition(status.conditions, ConditionTypes.READY, "True", Reasons.RESTORE_SUCCEEDED,
        "restored backup " + NEWER.id() + " into PersistentVolumeClaim later-claim", 1L);
    assertThat(status.conditions).extracting(c -> c.getType()).doesNotContain(ConditionTypes.STALLED);
  }

  @Test
  void aRestoreThatFinishedBeforeReadyWasWrittenGetsItWithoutRunningAgain() {
    apply(r -> r.getSpec().source.policy = "no-such-policy");
    reconcile();
    // Its status as an operator without Ready and Stalled left it.
    RestoreRequest finished = harness.getRestore(NAMESPACE, RESTORE);
    finished.getStatus().conditions.removeIf(c -> List.of(ConditionTypes.READY, ConditionTypes.STALLED).contains(c.getType()));
    client.resource(finished).updateStatus();

    RestoreRequestStatus status = reconcile();
    assertCondition(status.conditions, ConditionTypes.READY, "False", Reasons.POLICY_NOT_FOUND, "no-such-policy", 1L);
    assertCondition(status.conditions, ConditionTypes.STALLED, "True", Reasons.POLICY_NOT_FOUND, "no-such-policy", 1L);
    assertThat(status.stage).isEqualTo(RestoreStage.Done);
    assertThat(events()).extracting(Event::getReason).containsOnlyOnce(Reasons.RESTORE_FAILED);
    String version = harness.getRestore(NAMESPACE, RESTORE).getMetadata().getResourceVersion();
    reconcile();
    assertThat(harness.getRestore(NAMESPACE, RESTORE).getMetadata().getResourceVersion())
        .as("no write once it has them").isEqualTo(version);
  }

  @Test
  void mergeRestoresPathsIntoASubPathWithoutASafetyBackup() {
    apply(r -> {
      r.getSpec().mode = RestoreMode.Merge;
      r.getSpec().source.paths = List.of("memory.db");
      r.getSpec().target.subPath = "restored";
    });
    resolve();
    assertThat(job("safety")).isNull();
    assertThat(command("restore")).containsSequence("--mode", "Merge").containsSequence("--path", "memory.db");
    assertThat(job("restore").getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getSubPath()).isEqualTo("restored"));
  }

  @Test
  void aSubPathLeavingTheVolumeIsRejected() {
    apply(r -> r.getSpec().target.subPath = "data/../../etc");
    RestoreRequestStatus status = reconcile();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertThat(status.message).contains("spec.target.subPath");
    assertThat(harness.jobs(NAMESPACE)).isEmpty();
  }

  ScaleTarget scaleTarget(String kind, String name) {
    ScaleTarget target = new ScaleTarget();
    target.kind = kind;
    target.name = name;
    return target;
  }

  int replicas(String deployment) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(deployment).get().getSpec().getReplicas();
  }

  void runningPod(String name, String node) {
    client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).addToLabels("app", "rose").endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("rose").withImage("rose:1").endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(CLAIM).endPersistentVolumeClaim()
        .endVolume().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build()).create();
  }

  static void await(java.util.function.BooleanSupplier condition) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(condition::getAsBoolean);
  }
}
