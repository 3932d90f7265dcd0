package dev.lifeboat.sandbox;

import dev.lifeboat.common.CrossNamespaceRestore;
import dev.lifeboat.operator.HealthServer;
import dev.lifeboat.operator.LifeboatOperator;
import dev.lifeboat.operator.OperatorSettings;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A local stand-in for a cluster, in one process: the fabric8 mock API server in CRUD mode (plus
 * pods/log, read from the job runner's files, and pods/exec, run as the job runner runs containers),
 * an S3 server (S3Proxy) storing under the state directory, the real operator (same entry code as production), a local job runner in place of the
 * kubelet, a workload controller giving Deployments and StatefulSets their pods, and a garbage
 * collector deleting what its owners no longer hold (a deleted policy's Jobs and their pods), and a CSI
 * snapshotter ({@link SnapshotController}) that also provisions claims from snapshots. The API server
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
  private final VolumeLocks volumeLocks = new VolumeLocks();
  /** Null in a sandbox started without the snapshot API. */
  private final SnapshotController snapshots;
  private LifeboatOperator operator;
  /** The operator's /healthz, /readyz and /metrics on 127.0.0.1, as in its pod. */
  private HealthServer operatorEndpoint;
  private int operatorPort;

  private final OperatorSettings settings;
  /** What an applied object becomes before the API server stores it ({@link #standIn}). */
  private volatile UnaryOperator<HasMetadata> admission = UnaryOperator.identity();

  private Sandbox(Path stateDir, int requestedS3Port, double timeWarp, OperatorSettings settings, boolean snapshotApi)
      throws Exception {
    this.settings = settings;
    // absolute and real: Jobs' processes and mounts resolve it from other directories (--state .lifeboat-state)
    this.state = Files.createDirectories(stateDir).toRealPath();
    this.clock = new WarpedClock(timeWarp);
    this.pods = new SnapshotApiDispatcher(this.state, snapshotApi);
    this.apiServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), pods, false);
    apiServer.init(InetAddress.getLoopbackAddress(), 0);
    this.client = apiServer.createClient();
    installCrds(client, snapshotApi);
    Path blobs = Files.createDirectories(this.state.resolve("s3"));
    this.s3 = S3Proxy.builder()
        .endpoint(URI.create("http://127.0.0.1:" + requestedS3Port))
        .awsAuthentication(org.gaul.s3proxy.auth.AuthenticationType.AWS_V2_OR_V4, S3_ACCESS_KEY, S3_SECRET_KEY)
        .blobStore(new FilesystemNio2BlobStore(blobs.toString()))
        .build();
    String busy = "the S3 server cannot listen on 127.0.0.1:" + requestedS3Port
        + " (is another sandbox or S3 server using it? --s3-port 0 picks a free port)";
    try {
      s3.start();
    } catch (Exception e) {
      client.close();
      apiServer.destroy();
      throw new IllegalStateException(busy + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!"STARTED".equals(s3.getState())) {
      if ("FAILED".equals(s3.getState()) || System.nanoTime() > deadline) {
        throw new IllegalStateException(busy);
      }
      Thread.onSpinWait();
    }
    this.s3Port = s3.getPort();
    if (!Files.isDirectory(blobs.resolve(S3_BUCKET))) {
      Files.createDirectories(blobs.resolve(S3_BUCKET));
    }
    List<Class<? extends HasMetadata>> collected = new ArrayList<>(GarbageCollector.KINDS);
    if (!snapshotApi) {
      collected.remove(VolumeSnapshot.class); // no such API to watch
    }
    this.garbageCollector = new GarbageCollector(client, collected).start();
    this.snapshots = snapshotApi
        ? new SnapshotController(client, this.state, volumeLocks, clock, this::provisionFrom).start() : null;
    this.claimBinder = client.persistentVolumeClaims().inAnyNamespace()
        .inform(new OnAddOrUpdate<>(this::bind, this::release));
    this.runner = new LocalJobRunner(client, clock, this.state);
    if (timeWarp != 1) {
      runner.launcher().agentClock(clock); // the agent records the cluster's times, as the operator does
    }
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
    return start(state, s3Port, timeWarp, settings, true);
  }

  /**
   * As above; {@code snapshotApi} false plays a cluster without the CSI snapshotter: no VolumeSnapshot
   * CRD, every {@code snapshot.storage.k8s.io} request answered 404, no snapshot controller.
   */
  public static Sandbox start(Path state, int s3Port, double timeWarp, UnaryOperator<OperatorSettings> settings,
      boolean snapshotApi) {
    try {
      return new Sandbox(state, s3Port, timeWarp, settings.apply(OperatorSettings.embedded("lifeboat:sandbox")),
          snapshotApi);
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

  /**
   * Runs {@code action} as a writer of the claim's volume: a snapshot taken meanwhile waits until it
   * is done, so it holds all of the write or none of it (see {@link VolumeLocks}).
   */
  public <T> T writing(String namespace, String claim, VolumeLocks.Work<T> action) throws Exception {
    return volumeLocks.writing(volume(namespace, claim), action);
  }

  /** Whether a snapshot of the claim is waiting for a write in progress to end. */
  boolean snapshotWaiting(String namespace, String claim) {
    return volumeLocks.snapshotWaiting(volume(namespace, claim));
  }

  /** Where the copy a VolumeSnapshot took lives: {@code <state>/snapshots/<namespace>/<uid>}. */
  public Path snapshotDir(String namespace, String uid) {
    return SnapshotController.snapshotDir(state, namespace, uid);
  }

  /**
   * Applies every object of a YAML file, or of every .yaml/.yml file in a directory (sorted). The
   * API server checks custom resources as a cluster's would ({@link ValidatingDispatcher}).
   *
   * @throws ObjectRefusedException at the first object the API server refuses, saying why
   */
  public List<HasMetadata> apply(Path fileOrDir) throws IOException {
    return apply(fileOrDir, object -> { });
  }

  /** As above, telling {@code applied} of each object as soon as it is stored (as kubectl prints them). */
  public List<HasMetadata> apply(Path fileOrDir, Consumer<HasMetadata> applied) throws IOException {
    return new YamlApply(client, admission).apply(fileOrDir, applied);
  }

  /** The objects of a YAML file, or of every .yaml/.yml file in a directory (sorted), as {@link #apply} sends them. */
  public List<HasMetadata> load(Path fileOrDir) throws IOException {
    return new YamlApply(client, admission).load(fileOrDir);
  }

  /**
   * From now on the sandbox stands in for what {@code standIns} covers: Secrets are admitted with
   * its values (as a mutating admission step would change them), and every agent that starts
   * reaches the sandbox's S3 server whatever its destination says.
   */
  public void standIn(StandIns standIns) {
    this.admission = standIns::admit;
    runner.launcher().agentArguments(args -> standIns.redirect(args, state.resolve("s3")));
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

  /** Lifeboat's CRDs, as the chart installs them, and the snapshot CRD a CSI snapshotter installs. */
  static void installCrds(KubernetesClient client) throws IOException {
    installCrds(client, true);
  }

  static void installCrds(KubernetesClient client, boolean snapshotApi) throws IOException {
    List<String> crds = new ArrayList<>(List.of("/META-INF/fabric8/backuppolicies.lifeboat.dev-v1.yml",
        "/META-INF/fabric8/restorerequests.lifeboat.dev-v1.yml"));
    if (snapshotApi) {
      crds.add("/volumesnapshots.snapshot.storage.k8s.io.yaml");
    }
    for (String crd : crds) {
      try (InputStream in = Sandbox.class.getResourceAsStream(crd)) {
        client.apiextensions().v1().customResourceDefinitions()
            .resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
      }
    }
  }

  /**
   * What a storage provisioner does: binds each new claim, and gives it a directory. A claim whose
   * dataSource is a VolumeSnapshot stays Pending until the snapshot is ready, then gets a copy of it
   * (a CSI driver restores the snapshot into the new volume). Binding is immediate: with
   * WaitForFirstConsumer storage a real claim would wait for its first pod to be scheduled.
   */
  private void bind(PersistentVolumeClaim claim) {
    if (claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase())) {
      return;
    }
    try {
      Path dir = volume(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
      Optional<String> snapshot = snapshotSource(claim);
      if (snapshot.isPresent()) {
        VolumeSnapshot source = snapshots == null ? null : client.resources(VolumeSnapshot.class)
            .inNamespace(claim.getMetadata().getNamespace()).withName(snapshot.get()).get();
        if (!SnapshotController.ready(source)) {
          return; // Pending; provisionFrom binds it once the snapshot is ready
        }
        if (!Files.exists(dir)) {
          Path staging = dir.resolveSibling("." + dir.getFileName() + ".provisioning");
          VolumeCopy.delete(staging);
          VolumeCopy.copy(snapshotDir(claim.getMetadata().getNamespace(), source.getMetadata().getUid()), staging);
          Files.move(staging, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
      }
      Files.createDirectories(dir);
      claim.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound")
          .withAccessModes(claim.getSpec() == null ? null : claim.getSpec().getAccessModes())
          .withCapacity(requestedStorage(claim)).build());
      client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(claim).updateStatus();
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Sandbox.class).warn("cannot bind claim {}: {}", claim.getMetadata().getName(),
          e.getMessage());
    }
  }

  /** The capacity a provisioner gives a claim: here exactly what it requests (a real one may round up). */
  private static Map<String, Quantity> requestedStorage(PersistentVolumeClaim claim) {
    Quantity storage = claim.getSpec() == null || claim.getSpec().getResources() == null
        || claim.getSpec().getResources().getRequests() == null ? null
        : claim.getSpec().getResources().getRequests().get("storage");
    return storage == null ? null : Map.of("storage", storage);
  }

  /** The VolumeSnapshot a claim is to be provisioned from, if its dataSource names one. */
  private static Optional<String> snapshotSource(PersistentVolumeClaim claim) {
    var source = claim.getSpec() == null ? null : claim.getSpec().getDataSource();
    return source != null && VolumeSnapshot.KIND.equals(source.getKind()) && VolumeSnapshot.GROUP.equals(source.getApiGroup())
        ? Optional.ofNullable(source.getName()) : Optional.empty();
  }

  /** Binds the claims still waiting for {@code snapshot}, now that it is ready. */
  private void provisionFrom(VolumeSnapshot snapshot) {
    client.persistentVolumeClaims().inNamespace(snapshot.getMetadata().getNamespace()).list().getItems().stream()
        .filter(claim -> snapshotSource(claim).filter(snapshot.getMetadata().getName()::equals).isPresent())
        .forEach(this::bind);
  }

  /**
   * A deleted claim made from a snapshot takes its volume with it (a Delete reclaim policy, as
   * dynamically provisioned volumes have); other claims' directories stay, as the sandbox keeps data.
   */
  private void release(PersistentVolumeClaim claim) {
    if (snapshotSource(claim).isEmpty()) {
      return;
    }
    try {
      VolumeCopy.delete(volume(claim.getMetadata().getNamespace(), claim.getMetadata().getName()));
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(Sandbox.class).warn("cannot remove the volume of claim {}: {}",
          claim.getMetadata().getName(), e.getMessage());
    }
  }

  @Override
  public void close() {
    stopOperator();
    if (snapshots != null) {
      snapshots.close();
    }
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
