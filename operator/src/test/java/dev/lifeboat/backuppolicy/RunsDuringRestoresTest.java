package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.common.JobOutcomeReader;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.api.v1alpha1.RestoredBackup;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A backup run while RestoreRequests are at work: it keeps the backups they read and leaves their target alone. */
class RunsDuringRestoresTest extends ControllerTest {

  @BeforeEach
  void scratchClaim() {
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim("scratch")).create();
  }

  void applyPolicyWithManualTrigger() {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "now";
    harness.create(policy);
  }

  /** A RestoreRequest in the given phase that has resolved {@code backupId} and restores into {@code claim}. */
  void restore(String name, String claim, RestorePhase phase, String backupId) {
    RestoreRequest request = Fixtures.restoreFromPolicy(name);
    request.getSpec().target.claim = claim;
    RestoreRequest created = client.resource(request).create();
    RestoreRequestStatus status = new RestoreRequestStatus();
    status.phase = phase;
    status.backup = new RestoredBackup();
    status.backup.id = backupId;
    created.setStatus(status);
    client.resource(created).updateStatus();
  }

  List<Job> runs() {
    return harness.jobs(NAMESPACE).stream().filter(j -> JobOutcomeReader.backupId(j) != null).toList();
  }

  List<String> command(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
  }

  @Test
  void aRunPinsTheBackupsUnfinishedRestoresAreReading() {
    restore("reading", "scratch", RestorePhase.Running, "20251101T020000Z");
    restore("finished", "scratch", RestorePhase.Succeeded, "20251102T020000Z");
    applyPolicyWithManualTrigger();
    harness.reconcile(NAMESPACE, POLICY);
    assertThat(runs()).singleElement().satisfies(job -> assertThat(command(job))
        .containsSequence("--pin", "20251101T020000Z").doesNotContain("20251102T020000Z"));
  }

  @Test
  void noRunWhileARestoreWritesIntoTheClaimAndOneRightAfter() {
    restore("restoring", CLAIM, RestorePhase.Running, "20251101T020000Z");
    applyPolicyWithManualTrigger();
    var wait = harness.reconcile(NAMESPACE, POLICY);
    assertThat(runs()).isEmpty();
    assertThat(wait).hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(BackupPolicyReconciler.RESTORE_RECHECK));

    RestoreRequest done = client.resources(RestoreRequest.class).inNamespace(NAMESPACE).withName("restoring").get();
    done.getStatus().phase = RestorePhase.Succeeded;
    client.resource(done).updateStatus();
    harness.reconcile(NAMESPACE, POLICY);
    assertThat(runs()).hasSize(1);
  }
}
