package dev.lifeboat.sandbox;

import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/** The app volume, credentials and policy most sandbox tests start from (the demo's story). */
final class SandboxFixture {
  static final String NS = DemoCommand.NS;
  static final String POLICY = DemoCommand.POLICY;
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
