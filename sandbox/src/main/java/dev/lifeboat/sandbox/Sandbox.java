package dev.lifeboat.sandbox;

import dev.lifeboat.common.CrossNamespaceRestore;
import dev.lifeboat.operator.HealthServer;
import dev.lifeboat.operator.LifeboatOperator;
import dev.lifeboat.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A local stand-in for a cluster, in one process: the fabric8 mock API server in CRUD mode (plus
 * pods/log, read from the job runner's files, and pods/exec, run as the job runner runs containers),
 * an S3 server (S3Proxy) storing under the state directory, the real operator (same entry code as production), a local job runner in place of the
 * kubelet, a workload controller giving Deployments and StatefulSets their pods, and a garbage
 * collector deleting what its owners no longer hold (a deleted policy's Jobs and their pods). The API server
 * starts empty each time (a new cluster); S3 data and volumes persist in the state directory.
 */
public final class Sandbox implements AutoCloseable {
  public static final String S3_ACCESS_KEY = "lifeboat";
  public static final String S3_SECRET_KEY = "lifeboat-sandbox-secret";
  public static final String S3_BUCKET = "lifeboat";
  public static final int DEFAULT_S3_PORT = 9000;

  private final Path state;
  private final WarpedClock clock;
  private final KubernetesMockServer apiServer;
  private final KubernetesClient client;
  private final S3Proxy s3;
  private final int s3Port;
  private final LocalJobRunner runner;
  private final WorkloadController workloads;
  private final SharedIndexInformer<PersistentVolumeClaim> claimBinder;
  private final GarbageCollector garbageCollector;
  private final PodExecDispatcher pods;
  private LifeboatOperator operator;
  /** The operator's /healthz, /readyz and /metrics on 127.0.0.1, as in its pod. */
  private HealthServer operatorEndpoint;
  private int operatorPort;

  private final OperatorSettings settings;

  private Sandbox(Path state, int requestedS3Port, double timeWarp, OperatorSettings settings) throws Exception {
    this.settings = settings;
    this.state = Files.createDirectories(state);
    this.clock = new WarpedClock(timeWarp);
    this.pods = new PodExecDispatcher(this.state);
    this.apiServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), pods, false);
    apiServer.init(InetAddress.getLoopbackAddress(), 0);
    this.client = apiServer.createClient();
    installCrds(client);
    Path blobs = Files.createDirectories(state.resolve("s3"));
    this.s3 = S3Proxy.builder()
        .endpoint(URI.create("http://127.0.0.1:" + requestedS3Port))
        .awsAuthentication(org.gaul.s3proxy.auth.AuthenticationType.AWS_V2_OR_V4, S3_ACCESS_KEY, S3_SECRET_KEY)
        .blobStore(new FilesystemNio2BlobStore(blobs.toString()))
        .build();
    s3.start();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!"STARTED".equals(s3.getState())) {
      if ("FAILED".equals(s3.getState()) || System.nanoTime() > deadline) {
        throw new IllegalStateException("the S3 server did not start on port " + requestedS3Port
            + " (in use? pass --s3-port 0 for a free one)");
      }
      Thread.onSpinWait();
    }
    this.s3Port = s3.getPort();
    if (!Files.isDirectory(blobs.resolve(S3_BUCKET))) {
      Files.createDirectories(blobs.resolve(S3_BUCKET));
    }
    this.garbageCollector = new GarbageCollector(client).start();
    this.claimBinder = client.persistentVolumeClaims().inAnyNamespace().inform(new OnAddOrUpdate<>(this::bind));
    this.runner = new LocalJobRunner(client, clock, state);
    runner.start();
    pods.runExecsWith(runner.launcher());
    this.workloads = new WorkloadController(client, clock);
    workloads.start();
    startOperator();
  }

  public static Sandbox start(Path state, int s3Port, double timeWarp) {
    return start(state, s3Port, timeWarp, CrossNamespaceRestore.DENIED);
  }

  /** As above, with the operator setting allowCrossNamespaceRestore. */
  public static Sandbox start(Path state, int s3Port, double timeWarp, CrossNamespaceRestore crossNamespaceRestore) {
    return start(state, s3Port, timeWarp, settings -> settings.withCrossNamespaceRestore(crossNamespaceRestore));
  }

  /** As above, with the operator's settings as {@code settings} makes them from the sandbox's defaults. */
  public static Sandbox start(Path state, int s3Port, double timeWarp, UnaryOperator<OperatorSettings> settings) {
    try {
      return new Sandbox(state, s3Port, timeWarp, settings.apply(OperatorSettings.embedded("lifeboat:sandbox")));
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the sandbox: " + e.getMessage(), e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  public String s3Endpoint() {
    return "http://127.0.0.1:" + s3Port;
  }

  public Path state() {
    return state;
  }

  public WarpedClock clock() {
    return clock;
  }

  /** Where the data of a PVC lives in the sandbox: {@code <state>/volumes/<namespace>/<claim>}. */
  public Path volume(String namespace, String claim) {
    return ContainerLaunch.volumeDir(state, namespace, claim);
  }

  /** Applies every object of a YAML file, or of every .yaml/.yml file in a directory (sorted). */
  public List<HasMetadata> apply(Path fileOrDir) throws IOException {
    List<Path> files;
    if (Files.isDirectory(fileOrDir)) {
      try (var list = Files.list(fileOrDir)) {
        files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
      }
    } else {
      files = List.of(fileOrDir);
    }
    List<HasMetadata> applied = new java.util.ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata item : client.load(in).items()) {
          applied.add(client.resource(item).createOr(existing -> existing.update()));
        }
      }
    }
    return applied;
  }

  /** Stops the operator and starts a new instance on the same API server, as a pod restart would. */
  public void restartOperator() {
    stopOperator();
    startOperator();
  }

  /**
   * The operator, and its HTTP endpoint on 127.0.0.1 at the settings' health port (0: a free one,
   * kept across restarts of the operator).
   */
  private void startOperator() {
    operator = new LifeboatOperator(client, settings, clock).start();
    int port = operatorPort != 0 ? operatorPort : settings.healthPort();
    try {
      operatorEndpoint = new HealthServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), operator);
    } catch (IOException e) {
      operator.close();
      throw new IllegalStateException("cannot serve the operator's metrics on 127.0.0.1:" + port
          + " (in use? pass --operator-port 0 for a free one): " + e.getMessage(), e);
    }
    operatorPort = operatorEndpoint.port();
  }

  private void stopOperator() {
    operatorEndpoint.close();
    operator.close();
  }

  /** Where the operator's /healthz, /readyz and /metrics answer. */
  public String operatorEndpoint() {
    return "http://127.0.0.1:" + operatorPort;
  }

  /** Lifeboat's CRDs, as the chart installs them. */
  static void installCrds(KubernetesClient client) throws IOException {
    for (String crd : List.of("backuppolicies.lifeboat.dev-v1.yml", "restorerequests.lifeboat.dev-v1.yml")) {
      try (InputStream in = Sandbox.class.getResourceAsStream("/META-INF/fabric8/" + crd)) {
        client.apiextensions().v1().customResourceDefinitions()
            .resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
      }
    }
  }

  /** What a storage provisioner does: binds each new claim, and gives it a directory. */
  private void bind(PersistentVolumeClaim claim) {
    if (claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase())) {
      return;
    }
    try {
      Files.createDirectories(volume(claim.getMetadata().getNamespace(), claim.getMetadata().getName()));
      claim.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound")
          .withAccessModes(claim.getSpec() == null ? null : claim.getSpec().getAccessModes()).build());
      client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(claim).updateStatus();
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Sandbox.class).warn("cannot bind claim {}: {}", claim.getMetadata().getName(),
          e.getMessage());
    }
  }

  @Override
  public void close() {
    stopOperator();
    runner.close();
    pods.close();
    workloads.close();
    garbageCollector.close();
    claimBinder.close();
    try {
      s3.stop();
    } catch (Exception e) {
      // stopping is best effort; the process is ending
    }
    client.close();
    apiServer.destroy();
  }
}
