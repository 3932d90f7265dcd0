package dev.lifeboat.operator;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.ScaleTarget;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.LifeboatClock;
import dev.lifeboat.notify.WebhookReceiver;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.ReconcileHarness;
import dev.lifeboat.testing.ScaleSubresource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator (JOSDK, informers, status patches configured as in production) against the
 * mock API server: what the reconciler tests cannot show is that the wiring delivers the events.
 */
class LifeboatOperatorTest {
  KubernetesClient client;
  KubernetesMockServer server;
  ReconcileHarness cluster;

  @BeforeEach
  void setUp() {
    server = ScaleSubresource.crudServer();
    client = server.createClient();
    ReconcileHarness.installCrds(client);
    cluster = new ReconcileHarness(client, server, new MutableClock(Instant.now()));
    client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(Fixtures.boundClaim(CLAIM)).create();
  }

  @AfterEach
  void stopCluster() {
    client.close();
    server.destroy();
  }

  LifeboatOperator startOperator() {
    return new LifeboatOperator(client, OperatorSettings.embedded("lifeboat:test"), LifeboatClock.system()).start();
  }

  BackupPolicy policy() {
    return client.resources(BackupPolicy.class).inNamespace(NAMESPACE).withName(POLICY).get();
  }

  /** Applies the fixture policy with a manual trigger and waits until the operator has started its Job. */
  Job applyAndAwaitManualRun(String trigger) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getSpec().schedule = Fixtures.dailyAwayFromNow(); // the real clock: no 02:00 run may join in
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = trigger;
    client.resource(policy).create();
    // A new policy first lists its repository (empty here), then runs.
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.completeDiscovery(NAMESPACE));
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      List<Job> jobs = cluster.jobs(NAMESPACE); // one look: the listing Job may be deleted in between
      return jobs.size() == 1 && jobs.get(0).getMetadata().getAnnotations().containsKey("lifeboat.dev/backup-id");
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> policy().getStatus() != null
        && trigger.equals(policy().getStatus().lastManualTrigger));
    return cluster.jobs(NAMESPACE).get(0);
  }

  void finishSuccessfully(Job job) {
    String id = job.getMetadata().getAnnotations().get("lifeboat.dev/backup-id");
    cluster.finishJob(job, true, new AgentResult(1, "backup", id, BackupPhase.Succeeded, null, null, 900_000L, 3L,
        "sha256:00", 1.0, false, "backed up 3 files", null), null);
  }

  @Test
  void manualTriggerRunsABackupAndItsResultReachesTheStatus() {
    try (LifeboatOperator operator = startOperator()) {
      Job job = applyAndAwaitManualRun("first");
      String id = job.getMetadata().getAnnotations().get("lifeboat.dev/backup-id");
      finishSuccessfully(job);

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        var status = policy().getStatus();
        assertThat(status.lastBackup.phase).isEqualTo(BackupPhase.Succeeded);
        assertThat(status.lastSuccessfulBackup).isNotNull();
        assertThat(status.backups).extracting(b -> b.id).containsExactly(id);
        assertThat(status.nextBackup).isNotNull();
      });
    }
  }

  /** GET /metrics from the operator's health server. */
  static String scrape(HealthServer server) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    return response.body();
  }

  @Test
  void metricsShowTheRunSurviveARestartAndForgetADeletedPolicy() throws Exception {
    String series = "{namespace=\"" + NAMESPACE + "\",policy=\"" + POLICY + "\"";
    try (LifeboatOperator operator = startOperator();
        HealthServer health = new HealthServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), operator)) {
      finishSuccessfully(applyAndAwaitManualRun("first"));
      await().atMost(Duration.ofSeconds(20)).until(() -> scrape(health)
          .contains("lifeboat_backups_total" + series.replace("}", "") + ",result=\"succeeded\"} 1"));
      String metrics = scrape(health);
      assertThat(metrics)
          .contains("lifeboat_backup_last_size_bytes" + series + "} 900000")
          .contains("lifeboat_backup_last_files" + series + "} 3")
          .contains("lifeboat_backup_last_failed" + series + "} 0")
          .contains("lifeboat_backup_overdue" + series + "} 0")
          .contains("lifeboat_backup_max_age_seconds" + series + "} 93600")
          .contains("lifeboat_backup_last_success_timestamp_seconds" + series + "}")
          .contains("jvm_memory_used_bytes")
          .contains("operator_sdk_"); // the SDK's reconcile metrics
    }

    // A new operator process: counters start again, the gauges come back from status.
    try (LifeboatOperator operator = startOperator();
        HealthServer health = new HealthServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), operator)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> scrape(health).contains("lifeboat_backup_last_size_bytes" + series + "} 900000"));
      assertThat(scrape(health)).doesNotContain("lifeboat_backups_total" + series.replace("}", ""));

      client.resources(BackupPolicy.class).inNamespace(NAMESPACE).withName(POLICY).delete();
      await().atMost(Duration.ofSeconds(20)).until(() -> !scrape(health).contains(series));
    }
  }

  @Test
  void aFailedBackupIsNotifiedToTheWebhookNamedInTheOperatorsSecret() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(() -> 200)) {
      client.secrets().inNamespace("lifeboat-system").resource(new SecretBuilder().withNewMetadata()
          .withName("lifeboat-webhook").withNamespace("lifeboat-system").endMetadata()
          .addToData("url", Base64.getEncoder().encodeToString(receiver.url().toString().getBytes(StandardCharsets.UTF_8)))
          .build()).create(); // in data, as the API server stores it
      OperatorSettings settings = OperatorSettings.embedded("lifeboat:test")
          .withWebhook(new OperatorSettings.Webhook("lifeboat-system", "lifeboat-webhook", "url"));
      try (LifeboatOperator operator = new LifeboatOperator(client, settings, LifeboatClock.system()).start()) {
        Job job = applyAndAwaitManualRun("first");
        cluster.finishJob(job, false, null, "S3 access denied");

        await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.bodies().isEmpty());
        assertThat(receiver.bodies().get(0)).contains("\"condition\":\"LastBackupSucceeded\"")
            .contains("\"status\":\"False\"").contains("\"policy\":\"" + POLICY + "\"").contains("S3 access denied");
        assertThat(policy().getStatus().toString()).doesNotContain(WebhookReceiver.TOKEN);
      }
    }
  }

  @Test
  void deletingARestoreMidwayStopsItsJobsAndScalesTheAppBack() throws Exception {
    client.resource(Fixtures.dailyPolicy()).create();
    client.apps().deployments().inNamespace(NAMESPACE).resource(Fixtures.app(2)).create();
    RestoreRequest request = Fixtures.restoreFromPolicy("restore-memory");
    ScaleTarget rose = new ScaleTarget();
    rose.kind = "Deployment";
    rose.name = "rose";
    request.getSpec().scaleDown = List.of(rose);
    try (LifeboatOperator operator = startOperator()) {
      client.resource(request).create();
      await().atMost(Duration.ofSeconds(20)).until(() -> job("restore-memory-list") != null);
      String listing = new ObjectMapper().writeValueAsString(List.of(new ListedBackup("20251109T020000Z",
          "2025-11-09T02:00:41Z", "scheduled", 812_345L, 3L, false, List.of(CLAIM), null)));
      cluster.finishJob(job("restore-memory-list"), true, null, null, listing + "\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> job("restore-memory-safety") != null);
      assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("rose").get().getSpec().getReplicas())
          .isZero();
      cluster.startJob(job("restore-memory-safety"), "backing up\n");

      client.resource(request).delete();

      await().atMost(Duration.ofSeconds(20)).until(() -> job("restore-memory-safety") == null);
      assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("rose").get().getSpec().getReplicas())
          .as("not scaled back while the Job's pod may still write").isZero();
      // The garbage collector's part (the Job was deleted in the foreground); the mock API server has none.
      client.pods().inNamespace(NAMESPACE).withLabel("job-name", "restore-memory-safety").delete();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(client.resources(RestoreRequest.class).inNamespace(NAMESPACE).withName("restore-memory").get()).isNull();
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("rose").get().getSpec().getReplicas())
            .as("the app is scaled back").isEqualTo(2);
      });
      assertThat(job("restore-memory-safety")).as("its Job stopped").isNull();
      assertThat(client.pods().inNamespace(NAMESPACE).withLabel("job-name", "restore-memory-safety").list().getItems())
          .isEmpty();
    }
  }

  Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).get();
  }

  @Test
  void aReplacedOperatorStartsNoDuplicateJobAndStillRecordsTheResult() {
    Job job;
    try (LifeboatOperator first = startOperator()) {
      job = applyAndAwaitManualRun("before-restart");
    }
    // The run finishes while no operator is running.
    finishSuccessfully(job);

    try (LifeboatOperator second = startOperator()) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(policy().getStatus().lastBackup.phase).isEqualTo(BackupPhase.Succeeded));
      List<Job> jobs = cluster.jobs(NAMESPACE);
      assertThat(jobs).hasSize(1);
    }
  }
}
