package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.sandbox.kubectl.KubectlFront;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicySpec;
import dev.lifeboat.api.v1alpha1.BackupSource;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Destination;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestSpec;
import dev.lifeboat.api.v1alpha1.RestoreSource;
import dev.lifeboat.api.v1alpha1.RestoreTarget;
import dev.lifeboat.api.v1alpha1.Retention;
import dev.lifeboat.api.v1alpha1.S3Destination;
import dev.lifeboat.api.v1alpha1.SecretRef;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lifeboat-sandbox demo}: the quickstart story, printed step by step. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Back up an app's volume to S3, lose the data, restore it, compare. No cluster needed.")
final class DemoCommand implements Callable<Integer> {
  static final String NS = "rose";
  static final String CLAIM = "memory-data";
  static final String POLICY = "rose-memory";
  static final String RESTORE = "restore-memory";

  @Option(names = "--state", paramLabel = "DIR", description = "Where S3 data and volumes live; default a new temporary directory.")
  Path state;

  @Option(names = "--s3-port", defaultValue = "9000", paramLabel = "PORT", description = "S3 server port; 0 picks a free one.")
  int s3Port;

  @Option(names = "--operator-port", defaultValue = "8080", paramLabel = "PORT",
      description = "Port of the operator's /healthz, /readyz and /metrics on 127.0.0.1; 0 picks a free one.")
  int operatorPort;

  @Option(names = "--api-port", defaultValue = "0", paramLabel = "PORT",
      description = "Port of the API server for kubectl on 127.0.0.1 (see <state>/kubeconfig); 0 picks a free one.")
  int apiPort;

  @Option(names = "--keep-running", description = "Keep the sandbox up after the demo, for kubectl (Ctrl-C to stop).")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    if (state != null) {
      return demo(state);
    }
    // A temporary state is the demo's alone: gone when it succeeded, kept to look at when it did not.
    Path dir = Files.createTempDirectory("lifeboat-demo-");
    int exit = demo(dir);
    if (exit == 0) {
      VolumeCopy.delete(dir);
    } else {
      say("state kept for a look: " + dir);
    }
    return exit;
  }

  private int demo(Path dir) throws Exception {
    step("1", "Starting a local cluster: API server, S3 server, the Lifeboat operator, a job runner");
    try (Sandbox sandbox = Sandbox.start(dir, s3Port, 1, settings -> settings.withHealthPort(operatorPort));
        KubectlFront front = KubectlFront.start(sandbox.client(), apiPort)) {
      Path kubeconfig = front.writeKubeconfig(sandbox.state());
      say("S3 at " + sandbox.s3Endpoint() + ", state in " + dir + "; operator metrics at " + sandbox.operatorEndpoint()
          + "/metrics");
      var client = sandbox.client();

      step("2", "An app's volume: namespace rose, PVC memory-data holding a SQLite database and JSON files");
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).createOr(n -> n.update());
      client.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder()
          .withNewMetadata().withName(CLAIM).withNamespace(NS).endMetadata()
          .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi"))
          .endResources().endSpec().build()).createOr(c -> c.update());
      Path volume = sandbox.volume(NS, CLAIM);
      waitFor(() -> Files.isDirectory(volume), 10, "the volume to be bound");
      Map<String, String> original = writeSampleData(volume);
      original.keySet().forEach(p -> say("  " + CLAIM + "/" + p));

      step("3", "S3 credentials and a BackupPolicy: every day at 02:00, keep 7 daily");
      client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("s3-credentials")
          .withNamespace(NS).endMetadata().addToStringData("AWS_ACCESS_KEY_ID", Sandbox.S3_ACCESS_KEY)
          .addToStringData("AWS_SECRET_ACCESS_KEY", Sandbox.S3_SECRET_KEY).build()).createOr(s -> s.update());
      BackupPolicy policy = client.resource(policy(sandbox.s3Endpoint())).createOr(p -> p.update());
      say(client.getKubernetesSerialization().asYaml(policy.getSpec()).replaceFirst("^---\n", "").indent(2).stripTrailing());

      step("4", "Back up now: kubectl patch bp rose-memory --type merge -p '{\"spec\":{\"trigger\":{\"manual\":\"demo\"}}}'");
      client.resources(BackupPolicy.class).inNamespace(NS).withName(POLICY).edit(p -> {
        p.getSpec().trigger = new Trigger();
        p.getSpec().trigger.manual = "demo";
        return p;
      });
      waitFor(() -> backedUp(sandbox), 180, "the backup to succeed");
      say("$ kubectl get bp -n rose");
      StatusPrinter.table(client, NS, System.out);
      var status = client.resources(BackupPolicy.class).inNamespace(NS).withName(POLICY).get().getStatus();
      say("lastBackup: " + status.lastBackup.id + ", " + status.lastBackup.files + " files, " + status.lastBackup.bytes
          + " bytes stored: " + status.lastBackup.message);

      step("5", "Disaster: the app's data is deleted");
      deleteContents(volume);
      say("  " + CLAIM + "/ is now empty");

      step("6", "Restore: kubectl apply -f restore.yaml");
      RestoreRequest request = restoreRequest();
      say(client.getKubernetesSerialization().asYaml(request).replaceFirst("^---\n", "").indent(2).stripTrailing());
      client.resource(request).create();
      RestoreRequest done = waitForRestore(sandbox, 180);
      say("$ kubectl get rr -n rose");
      say(String.format("%-16s %-10s %-18s %s", "NAME", "PHASE", "BACKUP", "PROGRESS"));
      say(String.format("%-16s %-10s %-18s %s", RESTORE, done.getStatus().phase, done.getStatus().backup == null ? ""
          : done.getStatus().backup.id, done.getStatus().progress == null ? "" : done.getStatus().progress.percent));
      say("message: " + done.getStatus().message);
      if (done.getStatus().phase != RestorePhase.Succeeded) {
        return 1;
      }
      if (done.getStatus().safetyBackup != null) {
        say("what the volume held just before (nothing) is in safety backup " + done.getStatus().safetyBackup.id
            + ": a restore can itself be undone");
      }

      step("7", "Compare with the original");
      Map<String, String> restored = checksums(volume);
      if (!restored.equals(original)) {
        say("restored data differs: expected " + original.keySet() + ", found " + restored.keySet());
        return 1;
      }
      say("identical: " + restored.size() + " files, every SHA-256 matches (the SQLite database row for row, integrity_check ok)");
      say("");
      say("Done. Next: each folder of examples/ (daily SQLite, off-site encrypted, GFS retention, ...) has a README with the one command that runs it here; and `lifeboat-sandbox run --help`.");
      if (keepRunning) {
        say("The sandbox keeps running (Ctrl-C to stop). In another terminal: export KUBECONFIG=" + kubeconfig
            + " and kubectl get bp -n rose");
        RunCommand.untilStopped();
      }
      return 0;
    }
  }

  /** Latest backup of the policy back into the same claim, replacing what is there. */
  static RestoreRequest restoreRequest() {
    RestoreRequest request = new RestoreRequest();
    request.getMetadata().setName(RESTORE);
    request.getMetadata().setNamespace(NS);
    request.setSpec(new RestoreRequestSpec());
    request.getSpec().source = new RestoreSource();
    request.getSpec().source.policy = POLICY;
    request.getSpec().source.backup = "latest";
    request.getSpec().target = new RestoreTarget();
    request.getSpec().target.claim = CLAIM;
    return request;
  }

  static BackupPolicy policy(String endpoint) {
    BackupPolicySpec spec = new BackupPolicySpec();
    spec.schedule = "0 2 * * *";
    spec.source = new BackupSource();
    spec.source.claims = List.of(CLAIM);
    spec.destination = new Destination();
    spec.destination.s3 = new S3Destination();
    spec.destination.s3.bucket = Sandbox.S3_BUCKET;
    spec.destination.s3.endpoint = endpoint;
    spec.destination.s3.forcePathStyle = true;
    spec.destination.s3.region = "us-east-1";
    spec.destination.s3.credentialsSecretRef = new SecretRef("s3-credentials");
    spec.retention = new Retention();
    spec.retention.keepDaily = 7;
    BackupPolicy policy = new BackupPolicy();
    policy.getMetadata().setName(POLICY);
    policy.getMetadata().setNamespace(NS);
    policy.setSpec(spec);
    return policy;
  }

  private static boolean backedUp(Sandbox sandbox) {
    var p = sandbox.client().resources(BackupPolicy.class).inNamespace(NS).withName(POLICY).get();
    if (p.getStatus() != null && p.getStatus().lastBackup != null && BackupPhase.Failed == p.getStatus().lastBackup.phase) {
      throw new IllegalStateException("the backup failed: " + p.getStatus().lastBackup.message);
    }
    return p.getStatus() != null && Conditions.isTrue(p.getStatus().conditions, ConditionTypes.LAST_BACKUP_SUCCEEDED);
  }

  private static RestoreRequest waitForRestore(Sandbox sandbox, int seconds) throws Exception {
    RestoreRequest[] seen = new RestoreRequest[1];
    waitFor(() -> {
      seen[0] = sandbox.client().resources(RestoreRequest.class).inNamespace(NS).withName(RESTORE).get();
      RestorePhase phase = seen[0].getStatus() == null ? null : seen[0].getStatus().phase;
      return phase != null && phase.finished();
    }, seconds, "the restore to finish");
    return seen[0];
  }

  /** A small SQLite database and a few JSON session files, as the Rose app keeps. */
  private static Map<String, String> writeSampleData(Path volume) throws IOException {
    Random random = new Random(2025);
    SampleDatabase.write(volume.resolve("memory.db"), 1000, 2025);
    Files.createDirectories(volume.resolve("sessions"));
    for (String day : List.of("2025-11-07", "2025-11-08", "2025-11-09")) {
      Files.writeString(volume.resolve("sessions/" + day + ".json"),
          "{\"date\":\"" + day + "\",\"mood\":\"calm\",\"messages\":" + (10 + random.nextInt(90)) + "}\n");
    }
    AppFiles.ownedByTheApp(volume);
    return checksums(volume);
  }

  /**
   * Relative path → SHA-256 of every regular file under root; a SQLite database by its content
   * (schema and rows, after an integrity check), since a consistent copy rewrites its header.
   */
  static Map<String, String> checksums(Path root) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        sums.put(root.relativize(file).toString(), SampleDatabase.isDatabase(file) ? SampleDatabase.contentDigest(file)
            : sha256(Files.readAllBytes(file)));
      }
    }
    return sums;
  }

  private static void deleteContents(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(root)) {
          Files.delete(p);
        }
      }
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Check {
    boolean done() throws Exception;
  }

  private static void waitFor(Check check, int seconds, String what) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!check.done()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting " + seconds + "s for " + what);
      }
      Thread.sleep(200); // a CLI waiting on a person-visible outcome
    }
  }

  private static void step(String number, String text) {
    System.out.println();
    System.out.println("== " + number + ". " + text);
  }

  private static void say(String text) {
    System.out.println(text);
  }
}
