package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.Durations;
import dev.lifeboat.common.PrivilegedJobs;
import dev.lifeboat.sandbox.kubectl.KubectlFront;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lifeboat-sandbox run}: a new cluster over persistent S3 data and volumes; apply, wait, report. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Start the sandbox, apply YAML, wait until every --until holds, print every Lifeboat object.",
        "The API server starts empty (a new cluster); S3 data and volumes persist in --state.",
        "Exit 0 when all held; 1 on timeout, when one can no longer hold (e.g. rr/NS/NAME=Succeeded",
        "and the restore Failed), or when the API server refuses an object applied."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--state", required = true, paramLabel = "DIR", description = "Where S3 data and volumes live.")
  Path state;

  @Option(names = "--apply", paramLabel = "FILE_OR_DIR", description = "YAML file or directory to apply (repeatable).")
  List<Path> apply = new ArrayList<>();

  @Option(names = "--until", paramLabel = "KIND/NAMESPACE/NAME=CONDITION_OR_PHASE", description = "Wait for this (repeatable).")
  List<String> until = new ArrayList<>();

  @Option(names = "--timeout", defaultValue = "5m", paramLabel = "DURATION", description = "e.g. 90s, 5m. Default 5m.")
  String timeout;

  @Option(names = "--time-warp", defaultValue = "1", paramLabel = "N", description = "The cluster's clock runs N times faster.")
  double timeWarp;

  @Option(names = "--s3-port", defaultValue = "9000", paramLabel = "PORT", description = "S3 server port; 0 picks a free one.")
  int s3Port;

  @Option(names = "--operator-port", defaultValue = "8080", paramLabel = "PORT",
      description = "Port of the operator's /healthz, /readyz and /metrics on 127.0.0.1; 0 picks a free one.")
  int operatorPort;

  @Option(names = "--allow-privileged-jobs", paramLabel = "NAMESPACES",
      description = {"Namespaces (comma-separated, or * for all) whose Jobs may run as root with only the",
          "capabilities to read any file and restore ownership, as the Helm value privilegedJobNamespaces allows.",
          "Default: none."})
  String privilegedJobs = "";

  @Option(names = "--hooks", description = {"Let BackupPolicies have hooks, run in the app's pods through exec,",
      "as the Helm value hooks.enabled allows. Default: off."})
  boolean hooks;

  @Option(names = "--stand-in", description = {"Stand in for the world outside the sandbox, so that YAML written for a",
      "real cluster runs as it is: every S3 destination goes to the sandbox's S3 server (the bucket keeps its name),",
      "the Secrets Lifeboat objects name for S3 credentials get the sandbox's, and those named for encryption keys",
      "a random key kept in the state directory. The YAML's own values for those Secrets are never used. Default: off."})
  boolean standIn;

  @Option(names = "--backup-now", description = {"Back up every applied BackupPolicy once, right after applying, as",
      "setting its spec.trigger.manual to a new value does."})
  boolean backupNow;

  @Option(names = "--api-port", defaultValue = "0", paramLabel = "PORT",
      description = "Port of the API server for kubectl on 127.0.0.1 (see <state>/kubeconfig); 0 picks a free one.")
  int apiPort;

  @Option(names = "--keep-running", description = "Keep the sandbox up after the conditions held (Ctrl-C to stop).")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    List<UntilCondition> conditions = until.stream().map(UntilCondition::parse).toList();
    Duration limit = Durations.parse(timeout);
    try (Sandbox sandbox = Sandbox.start(state, s3Port, timeWarp,
        settings -> settings.withPrivilegedJobs(PrivilegedJobs.parse(privilegedJobs)).withHealthPort(operatorPort)
            .withHooksEnabled(hooks));
        KubectlFront front = KubectlFront.start(sandbox.client(), apiPort)) {
      System.out.println("sandbox: API server up, S3 at " + sandbox.s3Endpoint() + " (access key "
          + Sandbox.S3_ACCESS_KEY + "), state in " + state);
      System.out.println("sandbox: operator metrics at " + sandbox.operatorEndpoint() + "/metrics");
      String api = sandbox.client().getMasterUrl().toString().replaceAll("/$", "");
      System.out.println("sandbox: objects at " + api + " while it runs (--keep-running to look after), e.g. curl "
          + api + "/apis/lifeboat.dev/v1alpha1/backuppolicies; volumes in " + state.resolve("volumes")
          + ", buckets in " + state.resolve("s3") + ", Job logs in " + state.resolve("pods"));
      System.out.println("sandbox: kubectl works while it runs: export KUBECONFIG=" + front.writeKubeconfig(sandbox.state()));
      if (standIn) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Path path : apply) {
          objects.addAll(sandbox.load(path));
        }
        StandIns standIns = StandIns.forObjects(state, sandbox.s3Endpoint(), objects);
        sandbox.standIn(standIns);
        System.out.println("sandbox: every S3 destination is " + sandbox.s3Endpoint() + "; stand-in values for Secrets "
            + standIns.secrets());
      }
      List<UntilCondition> pending = new ArrayList<>(conditions);
      List<String> failed = new ArrayList<>();
      try (RunProgress progress = RunProgress.watch(sandbox.client(), state, System.out)) {
        List<HasMetadata> applied = new ArrayList<>();
        for (Path path : apply) {
          try {
            applied.addAll(sandbox.apply(path, o -> System.out.println(o.getKind().toLowerCase() + "/"
                + o.getMetadata().getName() + " applied")));
          } catch (ObjectRefusedException e) {
            System.err.println(e.getMessage()); // as kubectl apply: the API server's refusal, nothing applied after it
            return 1;
          }
        }
        if (backupNow) {
          backUpNow(sandbox.client(), applied);
        }
        long deadline = System.nanoTime() + limit.toNanos();
        while (!pending.isEmpty() && failed.isEmpty() && System.nanoTime() < deadline) {
          for (UntilCondition condition : List.copyOf(pending)) {
            UntilCondition.Outcome outcome = condition.check(sandbox.client());
            switch (outcome.state()) {
              case HOLDS -> pending.remove(condition);
              case FAILED -> failed.add(condition + ": " + outcome.why());
              case WAITING -> { }
            }
          }
          if (!pending.isEmpty() && failed.isEmpty()) {
            progress.awaitChange(Duration.ofNanos(deadline - System.nanoTime()));
          }
        }
      }
      StatusPrinter.printAll(sandbox.client(), System.out);
      if (!failed.isEmpty()) {
        System.out.println("can no longer hold:");
        failed.forEach(f -> System.out.println("  " + f));
        return 1;
      }
      if (!pending.isEmpty()) {
        System.out.println("did not hold within " + timeout + ":");
        pending.forEach(c -> System.out.println("  " + c));
        return 1;
      }
      if (!conditions.isEmpty()) {
        System.out.println("all held: " + conditions);
      }
      if (keepRunning) {
        System.out.println("sandbox keeps running; Ctrl-C to stop");
        untilStopped();
      }
      return 0;
    }
  }

  /** Returns when the process is asked to stop (Ctrl-C). */
  static void untilStopped() throws InterruptedException {
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
    forever.await();
  }

  /** What {@code kubectl patch bp NAME --type merge -p '{"spec":{"trigger":{"manual":"VALUE"}}}'} does, for each policy. */
  private static void backUpNow(KubernetesClient client, List<HasMetadata> applied) {
    String value = "sandbox-" + Instant.now().getEpochSecond();
    for (HasMetadata policy : applied) {
      if ("BackupPolicy".equals(policy.getKind())) {
        client.resources(BackupPolicy.class).inNamespace(policy.getMetadata().getNamespace())
            .withName(policy.getMetadata().getName()).edit(p -> {
              p.getSpec().trigger = new Trigger();
              p.getSpec().trigger.manual = value;
              return p;
            });
        System.out.println("backuppolicy/" + policy.getMetadata().getName() + ": back up now (spec.trigger.manual: "
            + value + ")");
      }
    }
  }
}
