package dev.lifeboat.sandbox;

import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.common.JobOutcomeReader;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** The app volume, credentials and policy most sandbox tests start from (the demo's story). */
final class SandboxFixture {
  static final String NS = DemoCommand.NS;
  static final String POLICY = DemoCommand.POLICY;
  /** The demo app's name: its Deployment, container and {@code app} label. */
  static final String APP = "rose";
  private final Sandbox sandbox;

  SandboxFixture(Sandbox sandbox) {
    this.sandbox = sandbox;
  }

  void volumeWithData() throws Exception {
    sandbox.client().persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(DemoCommand.CLAIM).withNamespace(NS).endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
    Path volume = sandbox.volume(NS, DemoCommand.CLAIM);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(volume));
    byte[] db = new byte[200_000];
    new SecureRandom().nextBytes(db);
    Files.write(volume.resolve("memory.db"), db);
    Files.createDirectories(volume.resolve("sessions"));
    Files.writeString(volume.resolve("sessions/today.json"), "{\"mood\":\"calm\"}");
    AppFiles.ownedByTheApp(volume);
  }

  /**
   * The app's volume ({@link #volumeWithData}) as an app running as {@code uid} leaves it: every
   * file and directory owned by {@code uid:uid}, memory.db and sessions/today.json mode 0600,
   * sessions/ 0700, a README any user may read (0644), the volume's root 0755. Needs root.
   */
  void volumeOwnedBy(int uid) throws Exception {
    volumeWithData();
    Path volume = sandbox.volume(NS, DemoCommand.CLAIM);
    Files.writeString(volume.resolve("README"), "rose's notes; ask the app team before restoring\n");
    for (Path path : java.util.List.of(volume, volume.resolve("README"), volume.resolve("memory.db"),
        volume.resolve("sessions"), volume.resolve("sessions/today.json"))) {
      Files.setAttribute(path, "unix:uid", uid);
      Files.setAttribute(path, "unix:gid", uid);
    }
    Files.setAttribute(volume, "unix:mode", 0755);
    Files.setAttribute(volume.resolve("README"), "unix:mode", 0644);
    Files.setAttribute(volume.resolve("memory.db"), "unix:mode", 0600);
    Files.setAttribute(volume.resolve("sessions/today.json"), "unix:mode", 0600);
    Files.setAttribute(volume.resolve("sessions"), "unix:mode", 0700);
  }

  void credentials(String secretKey) {
    sandbox.client().secrets().inNamespace(NS).resource(new SecretBuilder()
        .withNewMetadata().withName("s3-credentials").withNamespace(NS).endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", Sandbox.S3_ACCESS_KEY)
        .addToStringData("AWS_SECRET_ACCESS_KEY", secretKey).build()).createOr(s -> s.update());
  }

  /** The demo's policy (daily at 02:00, keep 7 daily) against this sandbox's S3 server. */
  BackupPolicy policy() {
    return DemoCommand.policy(sandbox.s3Endpoint());
  }

  /**
   * The policy with a manual trigger, so it runs at once, and its daily run twelve hours from now, so
   * that no scheduled run joins in whatever the time of day (under a time warp, hours pass).
   */
  BackupPolicy triggeredPolicy() {
    BackupPolicy policy = policy();
    policy.getSpec().schedule = "0 " + (ZonedDateTime.now(ZoneOffset.UTC).getHour() + 12) % 24 + " * * *";
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "now";
    return policy;
  }

  /** A yearly schedule six months from now (UTC): nothing of it happens within a test. */
  static String yearlyAwayFromNow() {
    return "0 0 1 " + ((ZonedDateTime.now(ZoneOffset.UTC).getMonthValue() + 5) % 12 + 1) + " *";
  }

  /** Applies the RestoreRequest and waits until it ended (Succeeded or Failed); returns its status. */
  dev.lifeboat.api.v1alpha1.RestoreRequestStatus restored(dev.lifeboat.api.v1alpha1.RestoreRequest request) {
    sandbox.client().resource(request).create();
    String namespace = request.getMetadata().getNamespace();
    String name = request.getMetadata().getName();
    await().atMost(Duration.ofSeconds(180)).until(() -> {
      var status = restoreStatus(namespace, name);
      return status != null && (dev.lifeboat.api.v1alpha1.RestorePhase.Succeeded == status.phase
          || dev.lifeboat.api.v1alpha1.RestorePhase.Failed == status.phase);
    });
    return restoreStatus(namespace, name);
  }

  /** The demo's RestoreRequest of the latest backup into a new 1Gi claim {@code claim}; waits for its end. */
  dev.lifeboat.api.v1alpha1.RestoreRequestStatus restoredIntoNewClaim(String claim) {
    dev.lifeboat.api.v1alpha1.RestoreRequest request = DemoCommand.restoreRequest();
    request.getSpec().target.claim = null;
    request.getSpec().target.newClaim = new dev.lifeboat.api.v1alpha1.NewClaim();
    request.getSpec().target.newClaim.name = claim;
    request.getSpec().target.newClaim.size = new Quantity("1Gi");
    return restored(request);
  }

  dev.lifeboat.api.v1alpha1.RestoreRequestStatus restoreStatus(String namespace, String name) {
    return sandbox.client().resources(dev.lifeboat.api.v1alpha1.RestoreRequest.class).inNamespace(namespace)
        .withName(name).get().getStatus();
  }

  BackupPolicy read() {
    return sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(POLICY).get();
  }

  /** Complete backups of the policy in the bucket: folders holding a manifest.json. */
  long backupsInS3() throws Exception {
    Path folder = sandbox.state().resolve("s3").resolve(Sandbox.S3_BUCKET).resolve(NS).resolve(POLICY);
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (var list = Files.list(folder)) {
      return list.filter(d -> Files.exists(d.resolve("manifest.json"))).count();
    }
  }

  /**
   * Runs {@code pod} as a Job the sandbox's job runner takes (Lifeboat's label; no component, so no
   * controller of the operator looks at it): restartPolicy Never, backoffLimit 0, one pod.
   */
  Job podJob(String name, PodSpec pod) {
    pod.setRestartPolicy("Never");
    return sandbox.client().batch().v1().jobs().inNamespace(NS).resource(new JobBuilder()
        .withNewMetadata().withName(name).withNamespace(NS)
        .addToLabels(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE).endMetadata()
        .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewMetadata().addToLabels("drill", name).endMetadata()
        .withSpec(pod).endTemplate().endSpec().build()).create();
  }

  /** The Job once the job runner has finished it (Complete or Failed). */
  Job finished(String job) {
    await().atMost(Duration.ofSeconds(60)).until(() -> JobOutcomeReader.finished(
        sandbox.client().batch().v1().jobs().inNamespace(NS).withName(job).get()));
    return sandbox.client().batch().v1().jobs().inNamespace(NS).withName(job).get();
  }

  /** Whether the Job has the condition {@code type} (Complete, Failed) set to True. */
  static boolean hasCondition(Job job, String type) {
    return job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus().getConditions()
        .stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The Job's single pod, once it exists. */
  Pod onlyPod(String job) {
    await().atMost(Duration.ofSeconds(30)).until(() -> !sandbox.client().pods().inNamespace(NS)
        .withLabel("job-name", job).list().getItems().isEmpty());
    return sandbox.client().pods().inNamespace(NS).withLabel("job-name", job).list().getItems().get(0);
  }

  /** A container's status in the pod (init containers included), by name. */
  static ContainerStatus status(Pod pod, String container) {
    return java.util.stream.Stream.of(pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses())
        .filter(java.util.Objects::nonNull).flatMap(java.util.List::stream)
        .filter(s -> container.equals(s.getName())).findFirst().orElseThrow();
  }

  /** Where the pod's emptyDir {@code volume} is on this machine. */
  Path emptyDir(String pod, String volume) {
    return sandbox.state().resolve("pods").resolve(NS).resolve(pod).resolve("emptydir-" + volume);
  }

  /** GET pods/log, as kubectl logs asks it: {@code ?container=NAME}, or no container (null). */
  java.net.http.HttpResponse<String> podLog(String pod, String container) {
    return apiGet("/api/v1/namespaces/" + NS + "/pods/" + pod + "/log" + (container == null ? "" : "?container=" + container));
  }

  /** A plain GET to the API server stand-in (no WebSocket upgrade): what it answers before any upgrade. */
  java.net.http.HttpResponse<String> apiGet(String pathAndQuery) {
    return RawRequests.get(sandbox.client(), pathAndQuery);
  }

  /**
   * The demo's app as a Deployment of one pod, Running once this returns: container {@value #APP}
   * (image {@code rose:1}, no command: the sandbox runs no process for it) with the app's volume
   * ({@link #volumeWithData}'s claim) at {@code /data}, {@code DATA_DIR=/data}, {@code
   * DUMP_FILE=$(DATA_DIR)/dump.sql} and the Secret {@code rose-env} ({@code DB_PASSWORD}) as
   * envFrom: what hooks exec into.
   */
  Pod runningApp() {
    sandbox.client().secrets().inNamespace(NS).resource(new SecretBuilder()
        .withNewMetadata().withName("rose-env").withNamespace(NS).endMetadata()
        .addToStringData("DB_PASSWORD", "petals-and-thorns").build()).createOr(s -> s.update());
    sandbox.client().apps().deployments().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
        .withNewMetadata().withName(APP).withNamespace(NS).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", APP).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", APP).endMetadata()
        .withNewSpec().addNewContainer().withName(APP).withImage("rose:1")
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
        .addNewEnv().withName("DATA_DIR").withValue("/data").endEnv()
        .addNewEnv().withName("DUMP_FILE").withValue("$(DATA_DIR)/dump.sql").endEnv()
        .addNewEnvFrom().withNewSecretRef().withName("rose-env").endSecretRef().endEnvFrom()
        .endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(DemoCommand.CLAIM)
        .endPersistentVolumeClaim().endVolume()
        .endSpec().endTemplate().endSpec().build()).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.client().pods().inNamespace(NS).withLabel("app", APP)
        .list().getItems().stream().anyMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())));
    return sandbox.client().pods().inNamespace(NS).withLabel("app", APP).list().getItems().get(0);
  }

  /** What Prometheus would scrape from the operator now. */
  String metrics() {
    try {
      var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(sandbox.operatorEndpoint() + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of one of the fixture policy's series, e.g. {@code lifeboat_backup_overdue}; null when absent. */
  Double policyMetric(String name) {
    String prefix = name + "{namespace=\"" + NS + "\",policy=\"" + POLICY + "\"} ";
    return metrics().lines().filter(line -> line.startsWith(prefix))
        .map(line -> Double.valueOf(line.substring(prefix.length()).trim())).findFirst().orElse(null);
  }
}
