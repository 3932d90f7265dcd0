package dev.lifeboat.operator;

import java.util.concurrent.ForkJoinPool;

/**
 * Gives the JVM's common pool at least two threads before anything uses it.
 *
 * <p>With two CPUs or fewer (a container's CPU limit counts) the common pool has one thread, and
 * {@code CompletableFuture} then runs every asynchronous completion on a thread of its own. The JDK
 * HTTP client behind fabric8 completes each response that way, so the operator started and ended
 * one thread per API request: 2,010 threads in a restart over 1,000 policies. With two pool threads
 * the completions run on them instead.
 */
final class CompletionThreads {
  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  static final int MINIMUM = 2;

  private CompletionThreads() {}

  /**
   * Sets the common pool's parallelism unless the JVM was given one; returns the pool's
   * parallelism, which stays as it was if the pool was already in use.
   */
  static int ensure() {
    if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= MINIMUM) {
      System.setProperty(PARALLELISM, Integer.toString(MINIMUM));
    }
    return ForkJoinPool.getCommonPoolParallelism();
  }
}
