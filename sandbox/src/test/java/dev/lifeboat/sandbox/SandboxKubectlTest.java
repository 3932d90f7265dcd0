package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.sandbox.kubectl.KubectlFront;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against a running sandbox, as the quickstart tells a newcomer to use it: the
 * quickstart applied with {@code kubectl apply}, its first backup awaited with {@code kubectl wait},
 * then get/explain/patch/describe, a changed Deployment and Secret diffed, dry-run and applied
 * again, built-in kinds' columns, and delete (the policy, then the namespace). One sandbox for the
 * class (starting one is the slow part); the deletions run last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxKubectlTest {
  private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
  private Path state;
  private Sandbox sandbox;
  private KubectlFront front;
  private Kubectl kubectl;
  private Kubectl.Result applied;
  private Kubectl.Result waited;

  @BeforeAll
  void quickstartAppliedWithKubectl(@TempDir Path dir) throws Exception {
    state = dir;
    Files.setAttribute(state, "unix:mode", 0755); // Jobs running as the app's uid reach the volumes
    assumeTrue(Kubectl.installed(), "kubectl is not on the PATH: the kubectl end-to-end tests need it (CI has one)");
    Path quickstart = projectRoot().resolve("examples/quickstart");
    sandbox = Sandbox.start(state.resolve("state"), 0, 1);
    front = KubectlFront.start(sandbox.client(), 0);
    // the quickstart names the S3 server on port 9000; this one has a free port
    sandbox.standIn(StandIns.forObjects(sandbox.state(), sandbox.s3Endpoint(), sandbox.load(quickstart)));
    kubectl = new Kubectl(front.writeKubeconfig(sandbox.state()), Files.createDirectories(state.resolve("cache")));
    applied = kubectl.run("apply", "-f", quickstart.toString());
    waited = kubectl.run("wait", "--for=condition=LastBackupSucceeded", "bp/rose-memory", "-n", "rose",
        "--timeout=120s");
  }

  @AfterAll
  void stop() {
    if (front != null) {
      front.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  @Order(1)
  void kubectlAppliesTheQuickstartAndWaitsForItsFirstBackup() {
    assertThat(applied.exitCode()).as(applied.output()).isZero();
    assertThat(applied.output()).contains("namespace/rose created", "persistentvolumeclaim/memory-data created",
        "secret/s3-credentials created", "backuppolicy.lifeboat.dev/rose-memory created");
    assertThat(waited.exitCode()).as(waited.output()).isZero();
    assertThat(waited.output()).contains("backuppolicy.lifeboat.dev/rose-memory condition met");
  }

  @Test
  @Order(2)
  void getPrintsThePrinterColumnsAsAClusterDoes() throws Exception {
    Kubectl.Result get = kubectl.run("get", "bp", "-n", "rose");
    assertThat(get.exitCode()).as(get.output()).isZero();
    List<String> lines = get.output().lines().toList();
    assertThat(lines.get(0).split("\\s{2,}"))
        .containsExactly("NAME", "SCHEDULE", "LAST SUCCESS", "OVERDUE", "KEPT", "NEXT", "AGE");
    assertThat(lines.get(1)).matches("rose-memory\\s+0 2 \\* \\* \\*\\s+" + TIME + "\\s+False\\s+1\\s+" + TIME
        + "\\s+\\d+[sm].*").doesNotContain("<invalid>");

    Kubectl.Result wide = kubectl.run("get", "bp", "-n", "rose", "-o", "wide");
    assertThat(wide.output().lines().findFirst().orElseThrow())
        .contains("LAST RUN", "SIZE", "BUCKET", "REASON");
    assertThat(wide.output()).contains("Succeeded", "lifeboat");

    Kubectl.Result yaml = kubectl.run("get", "bp", "rose-memory", "-n", "rose", "-o", "yaml");
    assertThat(yaml.output()).contains("kind: BackupPolicy", "schedule: 0 2 * * *", "lastSuccessfulBackup: ");

    Kubectl.Result category = kubectl.run("get", "lifeboat", "-A");
    assertThat(category.output()).contains("backuppolicy.lifeboat.dev/rose-memory");
  }

  @Test
  @Order(3)
  void explainPrintsTheFieldDescriptionsOfTheSchema() throws Exception {
    Kubectl.Result explain = kubectl.run("explain", "backuppolicy.spec.retention");
    assertThat(explain.exitCode()).as(explain.output()).isZero();
    assertThat(explain.output()).contains("KIND:       BackupPolicy", "FIELD: retention <Object>",
        "keepDaily\t<integer>", "Keep the newest backup of each of the last N days that have one.");
  }

  @Test
  @Order(4)
  void patchingTheManualTriggerRunsASecondBackupThatAWatchSees() throws Exception {
    String first = kubectl.run("get", "bp", "rose-memory", "-n", "rose", "-o", "jsonpath={.status.lastBackup.id}")
        .output();
    // get -w over plain HTTP: the listed row first, then a row per change; it ends at its request timeout
    Path watched = state.resolve("watch.txt");
    Process watch = kubectl.start(watched, "get", "bp", "-n", "rose", "-w", "--request-timeout=20s");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(watched).contains("rose-memory"));
    Kubectl.Result patch = kubectl.run("patch", "bp", "rose-memory", "-n", "rose", "--type", "merge", "-p",
        "{\"spec\":{\"trigger\":{\"manual\":\"again\"}}}");
    assertThat(patch.output()).contains("backuppolicy.lifeboat.dev/rose-memory patched");
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      String last = kubectl.run("get", "bp", "rose-memory", "-n", "rose", "-o",
          "jsonpath={.status.lastBackup.id} {.status.lastBackup.phase}").output();
      return !last.startsWith(first + " ") && last.endsWith(" Succeeded");
    });
    assertThat(new SandboxFixture(sandbox).backupsInS3()).isEqualTo(2);
    assertThat(watch.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the watch ended at its timeout").isTrue();
    List<String> rows = Files.readAllLines(watched).stream().filter(l -> l.startsWith("rose-memory")).toList();
    assertThat(watch.exitValue()).as(String.join("\n", rows)).isZero();
    assertThat(rows.get(0)).as("the listed row: one backup kept").matches("rose-memory\\s.*\\sFalse\\s+1\\s.*");
    assertThat(rows).as("a changed row: the second backup kept").anySatisfy(row ->
        assertThat(row).matches("rose-memory\\s.*\\sFalse\\s+2\\s.*").doesNotContain("<invalid>"));
  }

  @Test
  @Order(5)
  void describeShowsConditionsAndEvents() throws Exception {
    Kubectl.Result describe = kubectl.run("describe", "bp/rose-memory", "-n", "rose");
    assertThat(describe.exitCode()).as(describe.output()).isZero();
    assertThat(describe.output()).contains("Type:                  LastBackupSucceeded", "Events:")
        .doesNotContain("Events:         <none>");
    assertThat(describe.output().substring(describe.output().indexOf("Events:"))).contains("BackupSucceeded");
  }

  @Test
  @Order(6)
  void anInvalidPolicyIsRefusedWithTheReason() throws Exception {
    Path invalid = state.resolve("invalid.yaml");
    Files.writeString(invalid, """
        apiVersion: lifeboat.dev/v1alpha1
        kind: BackupPolicy
        metadata: {name: sometimes, namespace: rose}
        spec:
          schedule: every day at 2
          source: {claims: [memory-data]}
          destination: {s3: {bucket: lifeboat, credentialsSecretRef: {name: s3-credentials}}}
          retention: {keepDaily: 7}
        """);
    Kubectl.Result refused = kubectl.run("apply", "-f", invalid.toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.output()).contains("The BackupPolicy \"sometimes\" is invalid", "spec.schedule",
        "every day at 2");
    assertThat(kubectl.run("get", "bp", "sometimes", "-n", "rose").output()).contains("NotFound");

    // a misspelt field: kubectl asks the API server for strict field validation
    Files.writeString(invalid, Files.readString(invalid).replace("every day at 2", "0 3 * * *")
        .replace("retention:", "retension:"));
    Kubectl.Result typo = kubectl.run("apply", "-f", invalid.toString());
    assertThat(typo.exitCode()).isNotZero();
    assertThat(typo.output()).contains("BackupPolicy in version \"v1alpha1\" cannot be handled as a BackupPolicy: "
        + "strict decoding error: unknown field \"spec.retension\"");
    assertThat(kubectl.run("get", "bp", "sometimes", "-n", "rose").output()).contains("NotFound");
  }

  @Test
  @Order(7)
  void reapplyingChangedBuiltInObjectsChangesWhatChanged() throws Exception {
    Path app = state.resolve("rose-app.yaml");
    String first = """
        apiVersion: v1
        kind: Secret
        metadata: {name: rose-app, namespace: rose}
        stringData: {PASSWORD: thorns}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: rose-app, namespace: rose}
        spec:
          selector: {matchLabels: {app: rose-app}}
          template:
            metadata: {labels: {app: rose-app}}
            spec:
              containers:
              - name: app
                image: rose:1
                env: [{name: MODE, value: fast}, {name: DEBUG, value: "1"}]
                volumeMounts: [{name: data, mountPath: /data}]
              - {name: sidecar, image: side:1}
              volumes: [{name: data, persistentVolumeClaim: {claimName: memory-data}}]
        """;
    Files.writeString(app, first);
    Kubectl.Result created = kubectl.run("apply", "-f", app.toString());
    assertThat(created.output()).contains("secret/rose-app created", "deployment.apps/rose-app created");
    // kubectl sends strategic merge patches for these: the image and env change, the rest stays
    Files.writeString(app, first.replace("rose:1", "rose:2").replace(", {name: DEBUG, value: \"1\"}", "")
        .replace("thorns", "petals"));
    // server dry runs first: they show the change and store nothing
    Kubectl.Result diff = kubectl.run("diff", "-f", app.toString());
    assertThat(diff.exitCode()).as(diff.output()).isEqualTo(1); // kubectl diff: 1 means "differs"
    assertThat(diff.output()).contains("-        image: rose:1", "+        image: rose:2", "-          value: \"1\"");
    assertThat(kubectl.run("apply", "--dry-run=server", "-f", app.toString()).output())
        .contains("deployment.apps/rose-app configured (server dry run)");
    assertThat(kubectl.run("delete", "--dry-run=server", "-f", app.toString()).output())
        .contains("deployment.apps \"rose-app\" deleted (server dry run)");
    assertThat(kubectl.run("get", "deploy", "rose-app", "-n", "rose", "-o",
        "jsonpath={.spec.template.spec.containers[0].image}").output()).isEqualTo("rose:1");
    Kubectl.Result configured = kubectl.run("apply", "-f", app.toString());
    assertThat(configured.exitCode()).as(configured.output()).isZero();
    assertThat(configured.output()).contains("secret/rose-app configured", "deployment.apps/rose-app configured");
    assertThat(kubectl.run("get", "deploy", "rose-app", "-n", "rose", "-o",
        "jsonpath={.spec.template.spec.containers[*].image} {.spec.template.spec.containers[0].env[*].name} "
            + "{.spec.template.spec.containers[0].volumeMounts[0].mountPath}").output())
        .isEqualTo("rose:2 side:1 MODE /data");
    assertThat(kubectl.run("get", "secret", "rose-app", "-n", "rose", "-o", "jsonpath={.data.PASSWORD}").output())
        .isEqualTo(Base64.getEncoder().encodeToString("petals".getBytes(StandardCharsets.UTF_8)));
    // stringData is never stored, so kubectl finds it missing and sends it again, as against a cluster
    assertThat(kubectl.run("apply", "-f", app.toString()).output())
        .contains("secret/rose-app configured", "deployment.apps/rose-app unchanged");

    Kubectl.Result patched = kubectl.run("patch", "deploy", "rose-app", "-n", "rose", "-p",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"side:2\"}]}}}}");
    assertThat(patched.output()).contains("deployment.apps/rose-app patched");
    assertThat(kubectl.run("get", "deploy", "rose-app", "-n", "rose", "-o",
        "jsonpath={.spec.template.spec.containers[*].image}").output()).isEqualTo("rose:2 side:2");
  }

  @Test
  @Order(8)
  void builtInKindsPrintTheColumnsKubectlPrintsForThem() throws Exception {
    assertThat(header("jobs")).containsExactly("NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE");
    assertThat(kubectl.run("get", "jobs", "-n", "rose").output()).containsPattern("rose-memory-\\S+\\s+Complete\\s+1/1\\s+\\d+s");
    assertThat(header("pods")).containsExactly("NAME", "READY", "STATUS", "RESTARTS", "AGE");
    assertThat(kubectl.run("get", "pods", "-n", "rose").output())
        .containsPattern("rose-memory-\\S+\\s+0/1\\s+Completed\\s+0\\s").containsPattern("rose-app-\\S+\\s+2/2\\s+Running\\s+0\\s");
    assertThat(header("deploy")).containsExactly("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
    assertThat(kubectl.run("get", "deploy", "-n", "rose", "-o", "wide").output())
        .containsPattern("rose-app\\s+1/1\\s+1\\s+1\\s+\\S+\\s+app,sidecar\\s+rose:2,side:2");
    assertThat(header("pvc")).containsExactly("NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE");
    assertThat(kubectl.run("get", "pvc", "-n", "rose").output()).containsPattern("memory-data\\s+Bound\\s+1Gi\\s+RWO\\s");
    assertThat(kubectl.run("get", "secret", "rose-app", "-n", "rose").output()).containsPattern("rose-app\\s+Opaque\\s+1\\s");
    assertThat(header("events")).containsExactly("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
    assertThat(kubectl.run("get", "events", "-n", "rose").output())
        .containsPattern("\\d+[sm]\\s+Normal\\s+BackupSucceeded\\s+backuppolicy/rose-memory\\s");
  }

  private List<String> header(String kind) throws Exception {
    Kubectl.Result get = kubectl.run("get", kind, "-n", "rose");
    assertThat(get.exitCode()).as(get.output()).isZero();
    return List.of(get.output().lines().findFirst().orElseThrow().trim().split("\\s{2,}"));
  }

  @Test
  @Order(9)
  void deletingThePolicyDeletesItsJobs() throws Exception {
    assertThat(kubectl.run("get", "jobs", "-n", "rose").output()).contains("Complete");
    Kubectl.Result delete = kubectl.run("delete", "bp", "rose-memory", "-n", "rose");
    assertThat(delete.output()).contains("backuppolicy.lifeboat.dev \"rose-memory\" deleted");
    await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "jobs", "-n", "rose").output(),
        out -> out.contains("No resources found in rose namespace."));
  }

  @Test
  @Order(10)
  void deletingTheNamespaceDeletesEverythingInIt() throws Exception {
    Kubectl.Result delete = kubectl.run("delete", "namespace", "rose");
    assertThat(delete.output()).contains("namespace \"rose\" deleted");
    await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "deploy,pods,pvc,secrets", "-n", "rose")
        .output(), out -> out.contains("No resources found in rose namespace."));
  }

  private static Path projectRoot() {
    return Path.of(System.getProperty("lifeboat.projectRoot", "..")).toAbsolutePath().normalize();
  }
}
