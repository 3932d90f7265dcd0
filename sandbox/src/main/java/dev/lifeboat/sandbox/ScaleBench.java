package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.DiscoveryPhase;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * {@code bench/operator-scale.sh}: the real operator, in its own JVM as in its pod, against the
 * fabric8 mock API server (CRUD mode) holding many BackupPolicies, with Jobs completed at once
 * ({@link InstantJobRunner}). Measures how long until every policy has status for its generation,
 * the API requests per reconcile (at the API server, by User-Agent), the operator's RSS, its CPU at
 * rest, and the reads and writes of steady-state reconciles (a restart over settled policies).
 *
 * <p>Arguments: POLICIES NAMESPACES OPERATOR_JAR WORK_DIR REST_SECONDS, then the operator's JVM
 * options. The last line printed is {@code policies=N namespaces=M ready_s=S
 * requests_per_reconcile=Q rss_mib=R}.
 */
public final class ScaleBench {
  /** The benchmark's own requests (creating, completing Jobs, watching) carry this User-Agent and are not counted. */
  static final String BENCH_AGENT = "lifeboat-scale-bench";
  private static final String RECONCILE_KIND = "GET backuppolicies (one)";
  /** How long one phase may take: half an hour per 1,000 policies, at least half an hour. */
  private static final long TIMEOUT_NANOS_PER_POLICY = 30L * 60 * 1_000_000_000L / 1000;

  private final int policies;
  private final int namespaces;
  private final Path jar;
  private final Path work;
  private final int restSeconds;
  private final List<String> jvmOptions;
  private final String schedule;

  private ScaleBench(String[] args) {
    this.policies = Integer.parseInt(args[0]);
    this.namespaces = Integer.parseInt(args[1]);
    this.jar = Path.of(args[2]);
    this.work = Path.of(args[3]);
    this.restSeconds = Integer.parseInt(args[4]);
    this.jvmOptions = List.of(args).subList(5, args.length);
    this.schedule = System.getenv("LIFEBOAT_SCALE_SCHEDULE");
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: ScaleBench POLICIES NAMESPACES OPERATOR_JAR WORK_DIR REST_SECONDS [JVM_OPTION...]");
      System.exit(2);
    }
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-sandbox.xml");
    }
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    for (var handler : java.util.logging.Logger.getLogger("").getHandlers()) {
      handler.setLevel(java.util.logging.Level.WARNING);
    }
    new ScaleBench(args).run();
    System.exit(0);
  }

  private void run() throws Exception {
    Path state = Files.createDirectories(work);
    SnapshotApiDispatcher crud = new SnapshotApiDispatcher(state, false);
    boolean indexed = !"0".equals(System.getenv("LIFEBOAT_SCALE_INDEX"));
    RequestCount requests = new RequestCount(indexed ? KindIndex.install(crud, crud) : crud, BENCH_AGENT);
    KubernetesMockServer apiServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        requests, false);
    apiServer.init(InetAddress.getLoopbackAddress(), 0);
    String url = "http://127.0.0.1:" + apiServer.getPort();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
        .withMasterUrl(url).withUserAgent(BENCH_AGENT).withRequestTimeout(60_000).build()).build()) {
      Sandbox.installCrds(client, false);
      long created = System.nanoTime();
      createPolicies(client);
      say("API server: the fabric8 mock (CRUD mode), %s", indexed
          ? "its objects indexed by kind and namespace (LIFEBOAT_SCALE_INDEX=0: as shipped, every request scans every object)"
          : "as shipped: every request scans every object it holds");
      say("created %d BackupPolicies in %d namespaces (each with its PVC, Bound, and S3 Secret) in %.1f s; schedules: %s",
          policies, namespaces, seconds(created), schedule == null ? "daily, spread over the day's minutes" : schedule);
      Path kubeconfig = writeKubeconfig(url);
      SharedIndexInformer<BackupPolicy> watched = client.resources(BackupPolicy.class).inAnyNamespace().inform();
      try (InstantJobRunner runner = new InstantJobRunner(client, state, Clock.systemUTC(), 4).start()) {
        measure(requests, watched, kubeconfig, runner);
      } finally {
        watched.close();
      }
    } finally {
      apiServer.destroy();
    }
  }

  private void measure(RequestCount requests, SharedIndexInformer<BackupPolicy> watched, Path kubeconfig,
      InstantJobRunner runner) throws Exception {
    int port = freePort();
    long start = System.nanoTime();
    Process operator = startOperator(kubeconfig, port, "operator.log");
    double ready = waitFor(watched, start, ScaleBench::hasStatusForGeneration, "status for its generation");
    say("every policy has status for its generation (observedGeneration, conditions) %.1f s after the operator's start",
        ready);
    double listed = waitFor(watched, start, ScaleBench::listed, "its repository listing recorded");
    long reconciles = waitForQuiet(requests, new RequestCount.Snapshot(Map.of()), 0);
    say("every policy's repository listing recorded %.1f s after start (%d list Jobs completed at once); "
        + "reconciles until quiet: %d", listed, runner.completed(), reconciles);
    RequestCount.Snapshot startUp = requests.snapshot();
    ProcessStats afterStart = ProcessStats.of(operator.pid());
    say("operator CPU from its start until quiet: %.1f s (%.1f ms per reconcile, JVM start and JIT included)",
        afterStart.cpuSeconds(), 1000 * afterStart.cpuSeconds() / reconciles);
    double perReconcile = (double) (startUp.reads() + startUp.writes()) / reconciles;
    say("start-up API requests: %d reads, %d writes; %.2f requests per reconcile", startUp.reads(), startUp.writes(),
        perReconcile);
    print("start-up requests by kind", startUp);

    say("at rest for %d s ...", restSeconds);
    ProcessStats restStart = ProcessStats.of(operator.pid());
    Thread.sleep(restSeconds * 1000L);
    ProcessStats restEnd = ProcessStats.of(operator.pid());
    RequestCount.Snapshot rest = requests.snapshot().since(startUp);
    double cpuPercent = 100.0 * (restEnd.cpuSeconds() - restStart.cpuSeconds()) / restSeconds;
    say("at rest: CPU %.2f %% of one core over %d s; %d reconciles, %d reads, %d writes; RSS %.0f MiB",
        cpuPercent, restSeconds, reconciles(rest), rest.reads(), rest.writes(),
        ProcessStats.mib(restEnd.rssKib()));
    print("requests at rest by kind", rest);
    say("operator live heap after a full GC: %s", liveHeap(operator.pid()));
    double peakRss = ProcessStats.mib(restEnd.peakRssKib());
    say("operator RSS: peak %.0f MiB, after start-up %.0f MiB, after the rest %.0f MiB (JVM options: %s)",
        peakRss, ProcessStats.mib(afterStart.rssKib()), ProcessStats.mib(restEnd.rssKib()), String.join(" ", jvmOptions));
    stop(operator);

    // Every policy settled: each reconcile of a restarted operator is one of an unchanged policy.
    RequestCount.Snapshot beforeRestart = requests.snapshot();
    long restart = System.nanoTime();
    Process again = startOperator(kubeconfig, port, "operator-restart.log");
    long steady = waitForQuiet(requests, beforeRestart, policies);
    RequestCount.Snapshot settled = requests.snapshot().since(beforeRestart);
    double restartCpu = ProcessStats.of(again.pid()).cpuSeconds();
    say("restart over settled policies: %d reconciles in %.1f s; %d reads (%.2f per reconcile), %d writes; "
        + "operator CPU %.1f s (%.1f ms per reconcile, JVM start included)", steady, seconds(restart),
        settled.reads(), (double) settled.reads() / steady, settled.writes(), restartCpu, 1000 * restartCpu / steady);
    print("restart requests by kind", settled);
    stop(again);
    System.out.printf(Locale.ROOT, "policies=%d namespaces=%d ready_s=%.1f requests_per_reconcile=%.2f rss_mib=%.0f%n",
        policies, namespaces, ready, perReconcile, peakRss);
  }

  private void createPolicies(KubernetesClient client) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int n = 0; n < namespaces; n++) {
        String namespace = namespace(n);
        done.add(pool.submit(() -> {
          client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
              .create();
          client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("s3-credentials")
              .endMetadata().addToStringData("AWS_ACCESS_KEY_ID", Sandbox.S3_ACCESS_KEY)
              .addToStringData("AWS_SECRET_ACCESS_KEY", Sandbox.S3_SECRET_KEY).build()).create();
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      done.clear();
      for (int i = 0; i < policies; i++) {
        int index = i;
        done.add(pool.submit(() -> {
          createPolicy(client, index);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void createPolicy(KubernetesClient client, int index) {
    String namespace = namespace(index % namespaces);
    String claim = "data-" + index;
    PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(namespace).resource(
        new PersistentVolumeClaimBuilder().withNewMetadata().withName(claim).endMetadata()
            .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
            .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
    // Bound, as a provisioner leaves it (the sandbox's claim binder does the same).
    pvc.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").withAccessModes("ReadWriteOnce").build());
    client.persistentVolumeClaims().inNamespace(namespace).resource(pvc).updateStatus();
    // Daily, at one of the day's 1,440 minutes: at most a few policies share a slot, none falls due at start.
    String cron = schedule != null ? schedule : (index % 60) + " " + (index / 60 % 24) + " * * *";
    String yaml = """
        apiVersion: lifeboat.dev/v1alpha1
        kind: BackupPolicy
        metadata:
          name: policy-%d
          namespace: %s
        spec:
          schedule: "%s"
          source:
            claims: [%s]
          destination:
            s3:
              bucket: lifeboat
              endpoint: http://127.0.0.1:9000
              forcePathStyle: true
              region: us-east-1
              credentialsSecretRef:
                name: s3-credentials
          retention:
            keepDaily: 7
        """.formatted(index, namespace, cron, claim);
    client.resource(client.getKubernetesSerialization().unmarshal(yaml, BackupPolicy.class)).create();
  }

  private static String namespace(int n) {
    return "team-" + n;
  }

  static boolean hasStatusForGeneration(BackupPolicy policy) {
    var status = policy.getStatus();
    return status != null && status.observedGeneration != null
        && status.observedGeneration.equals(policy.getMetadata().getGeneration())
        && status.conditions != null && !status.conditions.isEmpty();
  }

  static boolean listed(BackupPolicy policy) {
    var status = policy.getStatus();
    return status != null && status.discovery != null && status.discovery.phase != DiscoveryPhase.Running;
  }

  /** Seconds from {@code start} until every policy in the informer's store meets {@code condition}. */
  private double waitFor(SharedIndexInformer<BackupPolicy> watched, long start, Predicate<BackupPolicy> condition,
      String what) throws InterruptedException {
    while (true) {
      List<BackupPolicy> all = watched.getStore().list();
      long met = all.stream().filter(condition).count();
      if (all.size() == policies && met == policies) {
        return seconds(start);
      }
      long timeout = Math.max(1000, policies) * TIMEOUT_NANOS_PER_POLICY;
      if (System.nanoTime() - start > timeout) {
        throw new IllegalStateException("after " + timeout / 60_000_000_000L + " minutes only " + met + " of " + policies
            + " policies have " + what);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Waits until the operator has made at least {@code atLeast} reconciles since {@code from} and then
   * none for 3 s; returns how many it made.
   */
  private static long waitForQuiet(RequestCount requests, RequestCount.Snapshot from, long atLeast)
      throws InterruptedException {
    long last = -1;
    long since = System.nanoTime();
    while (true) {
      long now = reconciles(requests.snapshot().since(from));
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (now >= atLeast && System.nanoTime() - since > 3_000_000_000L) {
        return now;
      }
      Thread.sleep(200);
    }
  }

  /**
   * The BackupPolicy reconciles among {@code counts}: each begins with one GET of its policy (the
   * reconciler reads it fresh), and nothing else of the operator GETs one policy. The SDK's own
   * /metrics count is not used: without per-resource metrics it did not count every reconcile.
   */
  static long reconciles(RequestCount.Snapshot counts) {
    return counts.kinds().getOrDefault(RECONCILE_KIND, 0L);
  }

  private Process startOperator(Path kubeconfig, int port, String log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString(), "operator"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve(log).toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("LIFEBOAT_HEALTH_PORT", Integer.toString(port));
    env.put("LIFEBOAT_LEADER_ELECTION", "false");
    return builder.start();
  }

  /** The live objects' size after a full GC, as {@code jcmd GC.class_histogram} counts them (it collects first). */
  private static String liveHeap(long pid) {
    try {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
      List<String> lines = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines().toList();
      jcmd.waitFor();
      String total = lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
      String[] words = total.split("\\s+");
      return words.length == 3 && words[0].equals("Total")
          ? String.format(Locale.ROOT, "%.1f MiB in %s objects", Long.parseLong(words[2]) / 1048576.0, words[1])
          : "unknown (jcmd: " + total + ")";
    } catch (IOException | NumberFormatException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy(); // SIGTERM: the operator stops gracefully
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  private Path writeKubeconfig(String url) throws IOException {
    return Files.writeString(work.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        contexts:
        - name: mock
          context:
            cluster: mock
            user: bench
            namespace: default
        current-context: mock
        users:
        - name: bench
          user: {}
        """.formatted(url));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void print(String title, RequestCount.Snapshot counts) {
    say("%s:", title);
    counts.kinds().forEach((kind, count) -> System.out.printf(Locale.ROOT, "    %8d  %s%n", count, kind));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
