package dev.lifeboat.operator;

import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.backuppolicy.BackupPolicyReconciler;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.LifeboatClock;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.LogCapture;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.OperatorCrash;
import dev.lifeboat.testing.ReconcileHarness;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two operator replicas with leader election against the same API server, each a process of its
 * own (its own client, whose every write is recorded): only the Lease holder acts, the other takes
 * over when it stops or dies, and a run is never started twice.
 *
 * <p>The API server stand-in keeps Leases like any object and refuses a stale update with 409, which
 * is all leader election relies on (checked below). It does not answer the SelfSubjectRulesReview
 * JOSDK sends before electing, so the test answers it as a real API server would for the chart's
 * RBAC: get, create and update on leases. The Lease terms are shortened (held 4 s) so a takeover
 * after a crash comes quickly; production keeps JOSDK's defaults.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
  static final String LEASE_NAMESPACE = "lifeboat-system";
  static final Duration TAKEOVER = Duration.ofSeconds(60);

  /** A replica cut off from the API server fails its reconciles and Lease calls: expected, kept off the build's output. */
  @RegisterExtension
  final LogCapture cutOff = LogCapture.named(LeaderElector.class.getName(), "io.javaoperatorsdk.operator.processing.event.EventProcessor",
      BackupPolicyReconciler.class.getName(), LeaderLease.class.getName());
  KubernetesClient client;
  KubernetesMockServer server;
  ReconcileHarness cluster;
  Replica first;
  Replica second;

  /** One operator process: its own client to the API server, recording (and able to cut) what it sends. */
  final class Replica implements AutoCloseable {
    final String identity;
    final OperatorCrash process;
    final AtomicBoolean lostLease = new AtomicBoolean();
    final LifeboatOperator operator;

    Replica(String identity) {
      this.identity = identity;
      this.process = new OperatorCrash(client, OperatorCrash.NEVER);
      OperatorSettings settings = OperatorSettings.embedded("lifeboat:test").withLeaderElection(LEASE_NAMESPACE,
          new OperatorSettings.LeaseTerms(identity, Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500)));
      this.operator = new LifeboatOperator(process.client(), settings, LifeboatClock.system(), () -> lostLease.set(true))
          .start();
    }

    /** What it wrote besides taking or renewing the Lease (and JOSDK's check that it may). */
    List<String> actions() {
      return process.writes().stream()
          .filter(w -> !w.contains("/leases") && !w.contains("/selfsubjectrulesreviews"))
          .toList();
    }

    @Override
    public void close() {
      operator.close();
      process.close();
    }
  }

  @BeforeEach
  void setUp() {
    ReconcileHarness.installCrds(client);
    cluster = new ReconcileHarness(client, server, new MutableClock(Instant.now()));
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim(CLAIM)).create();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews").andReturn(201,
        new SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata()
            .withNewSpec().withNamespace(LEASE_NAMESPACE).endSpec()
            .withNewStatus().withIncomplete(false).addNewResourceRule().withApiGroups("coordination.k8s.io")
            .withResources("leases").withVerbs("get", "create", "update").endResourceRule().endStatus().build())
        .always();
  }

  @AfterEach
  void stopReplicas() {
    for (Replica replica : new Replica[] {first, second}) {
      if (replica != null) {
        replica.close();
      }
    }
  }

  @Test
  void theApiServerStandInRefusesAStaleLeaseUpdate() {
    Lease created = client.leases().inNamespace(LEASE_NAMESPACE).resource(new LeaseBuilder().withNewMetadata()
        .withName("probe").withNamespace(LEASE_NAMESPACE).endMetadata().withNewSpec().withHolderIdentity("a").endSpec()
        .build()).create();
    Lease taken = new LeaseBuilder(created).editSpec().withHolderIdentity("b").endSpec().build();
    client.leases().inNamespace(LEASE_NAMESPACE).resource(taken).update();

    Lease stale = new LeaseBuilder(created).editSpec().withHolderIdentity("c").endSpec().build();
    assertThatThrownBy(() -> client.leases().inNamespace(LEASE_NAMESPACE).resource(stale).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
  }

  @Test
  void onlyTheLeaderStartsJobsAndTheOtherTakesOverWhenItStops() {
    first = new Replica("replica-a");
    awaitLeader("replica-a");
    second = new Replica("replica-b");

    Job run = applyAndAwaitManualRun("first");
    assertThat(first.actions()).as("the leader started the run").contains("POST /apis/batch/v1/namespaces/rose/jobs");
    assertThat(second.actions()).as("the standby wrote nothing").isEmpty();

    first.close();
    first = null;
    assertThat(lease().getSpec().getHolderIdentity()).as("handed over on close, not left to expire")
        .isNotEqualTo("replica-a");
    awaitLeader("replica-b");
    finishSuccessfully(run);
    await().atMost(TAKEOVER).untilAsserted(() -> assertThat(policy().getStatus().lastBackup.phase)
        .isEqualTo(BackupPhase.Succeeded));
    assertThat(runJobs()).as("the new leader did not start the run again").hasSize(1);

    triggerManualRun("second");
    await().atMost(TAKEOVER).until(() -> runJobs().size() == 2);
    assertThat(second.actions()).contains("POST /apis/batch/v1/namespaces/rose/jobs");
  }

  @Test
  void aLeaderThatDiesMidRunIsReplacedAndTheRunIsNotStartedTwice() {
    first = new Replica("replica-a");
    awaitLeader("replica-a");
    second = new Replica("replica-b");
    Job run = applyAndAwaitManualRun("first");

    first.process.kill(); // no renewal reaches the API server any more
    awaitLeader("replica-b");
    await().atMost(TAKEOVER).untilTrue(first.lostLease); // production exits here
    finishSuccessfully(run);

    await().atMost(TAKEOVER).untilAsserted(() -> {
      assertThat(policy().getStatus().lastBackup.phase).isEqualTo(BackupPhase.Succeeded);
      assertThat(policy().getStatus().lastBackup.id).isEqualTo(JobOutcomeReader.backupId(run));
    });
    assertThat(runJobs()).as("one Job for the run").hasSize(1);
  }

  @Test
  void closingTheLeaderIsNotLosingTheLease() {
    first = new Replica("replica-a");
    awaitLeader("replica-a");
    first.close();
    assertThat(first.lostLease).as("a replica stopped on purpose does not take it for a lost Lease").isFalse();
    first = null;
  }

  Lease lease() {
    return client.leases().inNamespace(LEASE_NAMESPACE).withName(OperatorSettings.LEASE_NAME).get();
  }

  void awaitLeader(String identity) {
    await().atMost(TAKEOVER).until(() -> lease() != null && identity.equals(lease().getSpec().getHolderIdentity()));
  }

  BackupPolicy policy() {
    return client.resources(BackupPolicy.class).inNamespace(NAMESPACE).withName(POLICY).get();
  }

  List<Job> runJobs() {
    return cluster.jobs(NAMESPACE).stream().filter(job -> JobOutcomeReader.backupId(job) != null).toList();
  }

  /** Applies the fixture policy with a manual trigger and waits for its run's Job (after the repository listing). */
  Job applyAndAwaitManualRun(String trigger) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getSpec().schedule = Fixtures.dailyAwayFromNow(); // the real clock: no 02:00 run may join in
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = trigger;
    client.resource(policy).create();
    await().atMost(TAKEOVER).until(() -> cluster.completeDiscovery(NAMESPACE));
    await().atMost(TAKEOVER).until(() -> runJobs().size() == 1);
    return runJobs().get(0);
  }

  void triggerManualRun(String trigger) {
    client.resources(BackupPolicy.class).inNamespace(NAMESPACE).withName(POLICY)
        .edit(p -> {
          p.getSpec().trigger.manual = trigger;
          return p;
        });
  }

  void finishSuccessfully(Job job) {
    String id = JobOutcomeReader.backupId(job);
    cluster.finishJob(job, true, new AgentResult(AgentResult.CURRENT_VERSION, "backup", id, BackupPhase.Succeeded, null,
        null, 900_000L, 3L, "sha256:00", 1.0, false, "backed up 3 files", null), null);
  }
}
