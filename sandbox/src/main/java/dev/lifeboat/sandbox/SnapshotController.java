package dev.lifeboat.sandbox;

import dev.lifeboat.common.LifeboatClock;
import dev.lifeboat.common.SqliteScratch;
import dev.lifeboat.common.Times;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import dev.lifeboat.snapshot.v1.VolumeSnapshotStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's CSI snapshotter: for each new VolumeSnapshot of a claim, copies the claim's
 * directory to {@code <state>/snapshots/<namespace>/<uid>} while holding the volume's lock
 * exclusively (writers through {@link Sandbox#writing} wait, so the copy is one point in time), then
 * writes the status a real snapshot controller writes when done: {@code boundVolumeSnapshotContentName},
 * {@code readyToUse: true}, {@code restoreSize} (the claim's size), {@code creationTime}. Deleting the
 * snapshot removes the copy.
 *
 * <p>Two VolumeSnapshotClass names play failures: {@value #BROKEN_CLASS} sets {@code status.error}
 * as a driver that cannot snapshot does, and {@value #SLOW_CLASS} takes the snapshot only after
 * {@link #SLOW_DELAY} (real time). Any other class, or none, works; classes are not objects here.
 *
 * <p>Not modelled: VolumeSnapshotContent objects and the split between the common snapshot
 * controller and the driver's sidecar, VolumeSnapshotClass objects and their deletionPolicy, the
 * in-use finalizer that holds a snapshot while a claim is being provisioned from it, and a driver's
 * crash consistency (a block device's copy-on-write clone needs no cooperation from writers).
 */
final class SnapshotController implements AutoCloseable {
  static final String BROKEN_CLASS = "broken";
  static final String SLOW_CLASS = "slow";
  static final Duration SLOW_DELAY = Duration.ofSeconds(3);
  /** The error a {@value #BROKEN_CLASS} snapshot reports, as the snapshotter words a driver's failure. */
  static final String BROKEN_MESSAGE = "Failed to check and update snapshot content: failed to take snapshot of the "
      + "volume: rpc error: code = Internal desc = the sandbox's snapshot class \"broken\" fails every snapshot";
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotController.class);

  private final KubernetesClient client;
  private final Path state;
  private final VolumeLocks locks;
  private final LifeboatClock clock;
  private final Consumer<VolumeSnapshot> onReady;
  private final Set<String> delayed = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "sandbox-snapshot-controller");
    thread.setDaemon(true);
    return thread;
  });
  private SharedIndexInformer<VolumeSnapshot> informer;

  /** {@code onReady} is told of each snapshot once it is ready (claims waiting to be provisioned from it). */
  SnapshotController(KubernetesClient client, Path state, VolumeLocks locks, LifeboatClock clock,
      Consumer<VolumeSnapshot> onReady) {
    this.client = client;
    this.state = state;
    this.locks = locks;
    this.clock = clock;
    this.onReady = onReady;
  }

  /** Where a snapshot's copy lives. */
  static Path snapshotDir(Path state, String namespace, String uid) {
    return state.resolve("snapshots").resolve(namespace).resolve(uid);
  }

  static boolean ready(VolumeSnapshot snapshot) {
    return snapshot != null && snapshot.getStatus() != null && Boolean.TRUE.equals(snapshot.getStatus().readyToUse);
  }

  SnapshotController start() {
    informer = client.resources(VolumeSnapshot.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(VolumeSnapshot snapshot) {
        worker.submit(() -> take(snapshot));
      }

      @Override
      public void onUpdate(VolumeSnapshot old, VolumeSnapshot snapshot) {
        worker.submit(() -> take(snapshot));
      }

      @Override
      public void onDelete(VolumeSnapshot snapshot, boolean finalStateUnknown) {
        worker.submit(() -> remove(snapshot));
      }
    });
    return this;
  }

  private void take(VolumeSnapshot seen) {
    String namespace = seen.getMetadata().getNamespace();
    String name = seen.getMetadata().getName();
    try {
      VolumeSnapshot snapshot = client.resources(VolumeSnapshot.class).inNamespace(namespace).withName(name).get();
      if (snapshot == null || snapshot.getStatus() != null
          && (snapshot.getStatus().readyToUse != null || snapshot.getStatus().error != null)) {
        return; // gone, or done with
      }
      String className = snapshot.getSpec() == null ? null : snapshot.getSpec().volumeSnapshotClassName;
      if (BROKEN_CLASS.equals(className)) {
        writeStatus(snapshot, failed(BROKEN_MESSAGE));
        return;
      }
      if (SLOW_CLASS.equals(className) && delayed.add(snapshot.getMetadata().getUid())) {
        worker.schedule(() -> take(snapshot), SLOW_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      String claimName = snapshot.getSpec() == null || snapshot.getSpec().source == null ? null
          : snapshot.getSpec().source.persistentVolumeClaimName;
      PersistentVolumeClaim claim = claimName == null ? null
          : client.persistentVolumeClaims().inNamespace(namespace).withName(claimName).get();
      if (claim == null) {
        writeStatus(snapshot, failed("error getting PersistentVolumeClaim " + namespace + "/" + claimName
            + " for the snapshot: not found"));
        return;
      }
      Path volume = ContainerLaunch.volumeDir(state, namespace, claimName);
      Path copy = snapshotDir(state, namespace, snapshot.getMetadata().getUid());
      locks.snapshotting(volume, () -> {
        VolumeCopy.delete(copy);
        Files.createDirectories(copy.getParent());
        VolumeCopy.copy(volume, copy);
        return null;
      });
      VolumeSnapshotStatus status = new VolumeSnapshotStatus();
      status.boundVolumeSnapshotContentName = "snapcontent-" + snapshot.getMetadata().getUid();
      status.readyToUse = true;
      status.restoreSize = SqliteScratch.capacity(claim); // the claim's size: what a volume from it needs
      status.creationTime = Times.rfc3339(clock.instant());
      VolumeSnapshot ready = writeStatus(snapshot, status);
      LOG.info("snapshot controller: VolumeSnapshot {}/{} of claim {} is ready", namespace, name, claimName);
      onReady.accept(ready);
    } catch (Exception e) {
      LOG.warn("snapshot controller: cannot take VolumeSnapshot {}/{}: {}", namespace, name, e.toString());
    }
  }

  private static VolumeSnapshotStatus failed(String message) {
    VolumeSnapshotStatus status = new VolumeSnapshotStatus();
    status.readyToUse = false;
    status.error = new VolumeSnapshotStatus.Error();
    status.error.message = message;
    return status;
  }

  private VolumeSnapshot writeStatus(VolumeSnapshot snapshot, VolumeSnapshotStatus status) {
    if (status.error != null) {
      status.error.time = Times.rfc3339(clock.instant());
    }
    snapshot.setStatus(status);
    return client.resources(VolumeSnapshot.class).inNamespace(snapshot.getMetadata().getNamespace())
        .resource(snapshot).updateStatus();
  }

  private void remove(VolumeSnapshot snapshot) {
    try {
      VolumeCopy.delete(snapshotDir(state, snapshot.getMetadata().getNamespace(), snapshot.getMetadata().getUid()));
      delayed.remove(snapshot.getMetadata().getUid());
    } catch (Exception e) {
      LOG.warn("snapshot controller: cannot remove the copy of VolumeSnapshot {}/{}: {}",
          snapshot.getMetadata().getNamespace(), snapshot.getMetadata().getName(), e.toString());
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    worker.shutdownNow();
  }
}
