package dev.lifeboat.restore;

import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.common.AgentJob;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.testing.ReconcileHarness;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A restore whose list, safety or restore Job's pod can never start fails with the step's
 * condition (reason JobCannotStart, the kubelet's or scheduler's message) once that has lasted its
 * threshold, the Job deleted and the workloads scaled back; before that nothing happens and the
 * controller looks again no later than the threshold.
 */
class StuckRestoreJobsTest extends ControllerTest {
  static final String RESTORE = "restore-memory";
  static final String NO_SECRET = "secret \"s3-credentials\" not found";
  static final ListedBackup NEWER = new ListedBackup("20251109T020000Z", "2025-11-09T02:00:41Z", "scheduled", 812_345L,
      3L, false, List.of(CLAIM), null);
  static final Instant START = Instant.parse("2025-11-09T14:00:00Z");

  @Override
  protected String clockStart() {
    return "2025-11-09T14:00:00Z";
  }

  @BeforeEach
  void policyAndApp() {
    client.resource(Fixtures.dailyPolicy()).create();
    client.apps().deployments().inNamespace(NAMESPACE).resource(Fixtures.app(2)).create();
  }

  RestoreRequest apply(Consumer<RestoreRequest> change) {
    RestoreRequest request = Fixtures.restoreFromPolicy(RESTORE);
    ScaleTarget rose = new ScaleTarget();
    rose.kind = "Deployment";
    rose.name = "rose";
    request.getSpec().scaleDown = List.of(rose);
    change.accept(request);
    return harness.create(request);
  }

  Optional<Duration> reconcileAt(Instant instant) {
    clock.set(instant);
    return harness.reconcileRestore(NAMESPACE, RESTORE);
  }

  RestoreRequestStatus status() {
    return harness.getRestore(NAMESPACE, RESTORE).getStatus();
  }

  Job job(String step) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(RESTORE + "-" + step).get();
  }

  void resolve() {
    reconcileAt(START);
    harness.finishJob(job("list"), true, null, null, "[" + json(NEWER) + "]\n");
    reconcileAt(START.plusSeconds(5));
  }

  int replicas() {
    return client.apps().deployments().inNamespace(NAMESPACE).withName("rose").get().getSpec().getReplicas();
  }

  List<Event> events(String reason) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  static String json(ListedBackup backup) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(backup);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aRestoreJobWaitingForAMissingSecretFailsTheRestoreAfterTwoMinutesAndScalesBack() {
    apply(r -> r.getSpec().safetyBackup = false);
    resolve();
    assertThat(status().stage).isEqualTo(RestoreStage.Restoring);
    assertThat(replicas()).isZero();
    Job restore = job("restore");
    assertThat(restore.getSpec().getActiveDeadlineSeconds()).isEqualTo(AgentJob.DEFAULT_DEADLINE_SECONDS);
    Instant since = START.plusSeconds(7);
    harness.podWaiting(restore, "CreateContainerConfigError", NO_SECRET, since);

    assertThat(reconcileAt(since.plusSeconds(60))).contains(RestoringStep.PROGRESS_REFRESH);
    assertThat(reconcileAt(since.plusSeconds(119))).as("no later than the threshold").contains(Duration.ofSeconds(1));
    assertThat(status().phase).isEqualTo(RestorePhase.Running);
    assertThat(job("restore")).isNotNull();

    reconcileAt(since.plusSeconds(120));
    RestoreRequestStatus status = status();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertThat(status.stage).isEqualTo(RestoreStage.Done);
    String cause = "restore of backup " + NEWER.id() + " failed: Job " + RESTORE + "-restore cannot start: "
        + ReconcileHarness.AGENT_WAITING + NO_SECRET
        + " (CreateContainerConfigError for 2m)";
    assertCondition(status.conditions, ConditionTypes.RESTORED, "False", Reasons.JOB_CANNOT_START, cause, 1L);
    assertThat(status.message).startsWith(cause).contains("scaled Deployment/rose to 2 again");
    assertThat(replicas()).as("the app is back").isEqualTo(2);
    assertThat(job("restore")).as("the stuck Job is deleted").isNull();
    assertThat(events(Reasons.RESTORE_FAILED)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(NO_SECRET));
  }

  @Test
  void aListJobWhoseImageCannotBePulledFailsResolvingBeforeAnythingIsTouched() {
    apply(r -> {});
    reconcileAt(START);
    assertThat(job("list").getSpec().getActiveDeadlineSeconds()).isEqualTo(AgentJob.LIST_DEADLINE_SECONDS);
    String pull = "Back-off pulling image \"ghcr.io/lifeboat/lifeboat:0.0.0-nope\"";
    harness.podWaiting(job("list"), "ImagePullBackOff", pull, START.plusSeconds(1));

    assertThat(reconcileAt(START.plusSeconds(110))).as("the threshold comes before the next look")
        .contains(Duration.ofSeconds(11));
    assertThat(status().stage).isEqualTo(RestoreStage.Resolving);

    reconcileAt(START.plusSeconds(121));
    RestoreRequestStatus status = status();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(status.conditions, ConditionTypes.BACKUP_RESOLVED, "False", Reasons.JOB_CANNOT_START,
        "listing s3://backups/prod (backups of rose/rose-memory) failed: Job " + RESTORE + "-list cannot start: "
        + ReconcileHarness.AGENT_WAITING + pull,
        1L);
    assertThat(status.scaledDown).as("nothing was scaled down").isNull();
    assertThat(replicas()).isEqualTo(2);
    assertThat(job("list")).isNull();
  }

  @Test
  void anUnschedulableSafetyBackupFailsAfterTenMinutesLeavingTheTargetUntouched() {
    apply(r -> {});
    resolve();
    assertThat(status().stage).isEqualTo(RestoreStage.SafetyBackup);
    String message = "0/3 nodes are available: 1 node(s) had volume node affinity conflict.";
    harness.podUnschedulable(job("safety"), message, START.plusSeconds(6));

    reconcileAt(START.plusSeconds(6).plus(Duration.ofMinutes(9)));
    assertThat(status().stage).isEqualTo(RestoreStage.SafetyBackup);

    reconcileAt(START.plusSeconds(6).plus(Duration.ofMinutes(10)));
    RestoreRequestStatus status = status();
    assertThat(status.phase).isEqualTo(RestorePhase.Failed);
    assertCondition(status.conditions, ConditionTypes.SAFETY_BACKUP_TAKEN, "False", Reasons.JOB_CANNOT_START,
        "the safety backup failed, so " + CLAIM + " was left untouched: Job " + RESTORE + "-safety cannot start: "
            + message + " (Unschedulable for 10m)", 1L);
    assertThat(job("restore")).as("nothing restored").isNull();
    assertThat(job("safety")).isNull();
    assertThat(replicas()).isEqualTo(2);
  }
}
