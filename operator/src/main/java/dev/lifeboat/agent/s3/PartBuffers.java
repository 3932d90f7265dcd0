package dev.lifeboat.agent.s3;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * A fixed budget of part buffers: the writer takes one to fill, upload threads give it back when the
 * part is sent. Allocates lazily up to {@code limit}, then blocks the writer, which bounds memory to
 * {@code limit * partSize} whatever the speed of the network.
 */
final class PartBuffers {
  private final int partSize;
  private final int limit;
  private final LinkedBlockingQueue<byte[]> free = new LinkedBlockingQueue<>();
  private volatile int allocated;

  PartBuffers(int partSize, int limit) {
    this.partSize = partSize;
    this.limit = limit;
  }

  /** Called by the single writer thread only. */
  byte[] take() throws InterruptedException {
    byte[] buffer = free.poll();
    if (buffer != null) {
      return buffer;
    }
    if (allocated < limit) {
      allocated++;
      return new byte[partSize];
    }
    return free.take();
  }

  /** Called by upload threads, success or not, so a waiting writer always wakes up. */
  void release(byte[] buffer) {
    free.add(buffer);
  }

  /** How many buffers were ever allocated (the memory bound the tests check). */
  int allocated() {
    return allocated;
  }

  void clear() {
    free.clear();
  }
}
