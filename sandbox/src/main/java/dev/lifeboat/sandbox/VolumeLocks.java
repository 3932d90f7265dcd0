package dev.lifeboat.sandbox;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One lock per sandbox volume, so a snapshot is a point in time: writers hold it shared (any number
 * at once), the snapshot controller holds it exclusively while it copies the volume, so a snapshot
 * never sees half of a write made through {@link Sandbox#writing}. A CSI driver gets the same from
 * the storage (a copy-on-write clone of the block device); here it takes cooperating writers.
 */
final class VolumeLocks {
  /** Work that may throw, done while a volume is locked. */
  @FunctionalInterface
  interface Work<T> extends Callable<T> {}

  private final ConcurrentMap<Path, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();

  <T> T writing(Path volume, Work<T> work) throws Exception {
    return locked(lock(volume).readLock(), work);
  }

  <T> T snapshotting(Path volume, Work<T> work) throws Exception {
    return locked(lock(volume).writeLock(), work);
  }

  /** Whether a snapshot waits for the volume's writers now (tests show with it that a snapshot did wait). */
  boolean snapshotWaiting(Path volume) {
    return lock(volume).hasQueuedThreads();
  }

  private ReentrantReadWriteLock lock(Path volume) {
    return locks.computeIfAbsent(volume.toAbsolutePath().normalize(), v -> new ReentrantReadWriteLock());
  }

  private static <T> T locked(Lock lock, Work<T> work) throws Exception {
    lock.lock();
    try {
      return work.call();
    } finally {
      lock.unlock();
    }
  }
}
