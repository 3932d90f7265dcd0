package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.SandboxFixture.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operator → Job → local job runner → real agent process → S3Proxy, all through the sandbox. */
class SandboxEndToEndTest {
  @TempDir
  Path state;
  Sandbox sandbox;
  SandboxFixture fixture;

  void start(double timeWarp) {
    sandbox = Sandbox.start(state, 0, timeWarp);
    fixture = new SandboxFixture(sandbox);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  boolean lastBackupSucceeded() {
    BackupPolicy policy = fixture.read();
    return policy.getStatus() != null
        && Conditions.isTrue(policy.getStatus().conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED);
  }

  @Test
  void aManualBackupGoesThroughTheRealAgentIntoS3AndFillsTheStatus() throws Exception {
    start(1);
    fixture.volumeWithData();
    fixture.credentials(Sandbox.S3_SECRET_KEY);
    sandbox.client().resource(fixture.triggeredPolicy()).create();

    await().atMost(Duration.ofSeconds(120)).until(this::lastBackupSucceeded);
    var status = fixture.read().getStatus();
    assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Succeeded);
    assertThat(status.lastBackup.files).isEqualTo(2);
    assertThat(status.lastBackup.bytes).isPositive();
    assertThat(status.backups).singleElement().satisfies(b -> assertThat(b.keptBy).contains("daily"));
    assertThat(status.lastSuccessfulBackup).isNotNull();
    assertThat(fixture.backupsInS3()).isEqualTo(1);
    // What Prometheus scrapes from the operator says the same (once its informer has the new status).
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(fixture.policyMetric("lifeboat_backup_last_size_bytes")).isEqualTo(status.lastBackup.bytes.doubleValue());
      assertThat(fixture.policyMetric("lifeboat_backup_last_files")).isEqualTo(2.0);
      assertThat(fixture.policyMetric("lifeboat_backup_last_failed")).isZero();
      assertThat(fixture.metrics()).contains("lifeboat_backups_total{namespace=\"rose\",policy=\"rose-memory\","
          + "result=\"succeeded\"} 1");
    });
  }

  @Test
  void aFailingAgentIsRetriedUpToBackoffLimitThenSurfacesItsErrorInTheStatusAndAnEvent() throws Exception {
    start(1);
    fixture.volumeWithData();
    fixture.credentials("a-wrong-secret");
    BackupPolicy policy = fixture.triggeredPolicy();
    policy.getSpec().jobTemplate = new JobTemplate();
    policy.getSpec().jobTemplate.backoffLimit = 1;
    sandbox.client().resource(policy).create();

    await().atMost(Duration.ofSeconds(120)).until(() -> fixture.read().getStatus() != null
        && fixture.read().getStatus().lastBackup != null && BackupPhase.Failed == fixture.read().getStatus().lastBackup.phase);
    var condition = Conditions.find(fixture.read().getStatus().conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED)
        .orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getMessage()).contains("access denied").doesNotContain("a-wrong-secret");
    assertThat(sandbox.client().v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("BackupFailed"));
    // The backup Job's pods only: the policy's repository listing before its first run is a Job too.
    String backupJob = JobNames.backupJob(SandboxFixture.POLICY, fixture.read().getStatus().lastBackup.id);
    assertThat(sandbox.client().pods().inNamespace(NS).withLabel("job-name", backupJob).list().getItems())
        .as("first try and one retry").hasSize(2)
        .allSatisfy(pod -> assertThat(pod.getStatus().getPhase()).isEqualTo("Failed"));
  }

  @Test
  void tenWarpedDaysOfADailyPolicyKeepingSevenLeaveExactlySeven() throws Exception {
    start(12_000); // a day passes in about 7 s: room for a backup Job's JVM even on a loaded machine
    fixture.volumeWithData();
    fixture.credentials(Sandbox.S3_SECRET_KEY);
    sandbox.client().resource(fixture.policy()).create();
    java.time.Instant created = sandbox.clock().instant();

    await().atMost(Duration.ofSeconds(300)).until(() -> {
      var status = fixture.read().getStatus();
      return status != null && status.lastSuccessfulBackup != null
          && java.time.Instant.parse(status.lastSuccessfulBackup).isAfter(created.plus(Duration.ofDays(9)));
    });
    // On a loaded machine a Job can take a warped day, so the next run may start at once: suspended,
    // the policy finishes that run and starts no other, and what it keeps holds still to be counted.
    sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(SandboxFixture.POLICY)
        .edit(p -> {
          p.getSpec().suspend = true;
          return p;
        });
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      var status = fixture.read().getStatus();
      return status.lastBackup != null && status.lastBackup.phase != BackupPhase.Running;
    });
    var status = fixture.read().getStatus();
    assertThat(status.backups).hasSize(7);
    assertThat(status.retention.kept).isEqualTo(7);
    assertThat(fixture.backupsInS3()).isEqualTo(7);
    // One clock for every time shown: the agent's (what the bucket holds) and the Jobs' (the cluster's).
    var newest = status.backups.get(0);
    assertThat(java.time.Instant.parse(status.retention.newest))
        .as("retention.newest between backup %s's start and %s, when its Job completed", newest.id, newest.time)
        .isBetween(dev.lifeboat.common.Times.fromBackupId(newest.id), java.time.Instant.parse(newest.time));
    var oldest = status.backups.get(status.backups.size() - 1);
    assertThat(java.time.Instant.parse(status.retention.oldest))
        .isBetween(dev.lifeboat.common.Times.fromBackupId(oldest.id), java.time.Instant.parse(oldest.time));
  }

  @Test
  void brokenCredentialsMakeThePolicyOverdueAndTheNextGoodBackupClearsIt() throws Exception {
    start(20_000);
    fixture.volumeWithData();
    fixture.credentials("a-wrong-secret");
    sandbox.client().resource(fixture.policy()).create();

    await().atMost(Duration.ofSeconds(60)).until(() -> fixture.read().getStatus() != null
        && Conditions.isTrue(fixture.read().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE));
    var overdue = Conditions.find(fixture.read().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE).orElseThrow();
    assertThat(overdue.getMessage()).contains("no successful backup");
    assertThat(fixture.policyMetric("lifeboat_backup_overdue")).isEqualTo(1.0);
    assertThat(fixture.policyMetric("lifeboat_backup_last_success_timestamp_seconds")).as("no success, no timestamp").isNull();

    fixture.credentials(Sandbox.S3_SECRET_KEY);
    await().atMost(Duration.ofSeconds(60)).until(() -> fixture.read().getStatus().lastSuccessfulBackup != null
        && !Conditions.isTrue(fixture.read().getStatus().conditions, ConditionTypes.BACKUP_OVERDUE));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(fixture.policyMetric("lifeboat_backup_overdue")).isZero();
      assertThat(fixture.policyMetric("lifeboat_backup_last_success_timestamp_seconds")).isPositive();
    });
  }

  @Test
  void restartingTheOperatorWhileABackupRunsStartsNoSecondJobAndStillRecordsTheResult() throws Exception {
    start(1);
    fixture.volumeWithData();
    fixture.credentials(Sandbox.S3_SECRET_KEY);
    sandbox.client().resource(fixture.triggeredPolicy()).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> !jobs().isEmpty());
    sandbox.restartOperator();

    await().atMost(Duration.ofSeconds(120)).until(this::lastBackupSucceeded);
    assertThat(jobs()).hasSize(1);
    assertThat(fixture.read().getStatus().backups).hasSize(1);
  }

  List<Job> jobs() {
    return sandbox.client().batch().v1().jobs().inNamespace(NS).list().getItems();
  }
}
