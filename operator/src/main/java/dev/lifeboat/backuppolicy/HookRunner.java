package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.HookOutcome;
import dev.lifeboat.api.v1alpha1.HookPhase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs hook commands in pods through the exec API, off the reconcile thread: a reconcile starts
 * one and looks again until it ended. What runs lives only in this process's memory, so a hook
 * the status says was started but this runner does not know was cut off by an operator restart.
 */
final class HookRunner {
  /** Kept of each of stdout and stderr while the command runs. */
  static final int TAIL_BYTES = 4096;
  /** Of the command's output, what status keeps. */
  static final int STATUS_TAIL_BYTES = 1024;
  private static final int THREADS = 4;
  private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);

  /** One command in one pod of one run. */
  record Key(String namespace, String policy, String run, HookPhase phase, int index, String pod) {}

  /** What to run where. */
  record Exec(String container, List<String> command, Duration timeout) {}

  /** How it ended: exit code when the container reported one; output tail (stdout, then stderr). */
  record Ended(HookOutcome outcome, Integer exitCode, String output, Duration took) {}

  /** Not known (started by an earlier operator process), still running, or ended. */
  sealed interface State {}

  record Unknown() implements State {}

  record Running() implements State {}

  record Done(Ended ended) implements State {}

  private final KubernetesClient client;
  private final ExecutorService pool;
  private final Map<Key, CompletableFuture<Ended>> runs = new ConcurrentHashMap<>();

  HookRunner(KubernetesClient client) {
    this.client = client;
    this.pool = Executors.newFixedThreadPool(THREADS, task -> {
      Thread thread = new Thread(task, "lifeboat-hook");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts the command unless this key already ran or runs. */
  void start(Key key, Exec exec) {
    runs.computeIfAbsent(key, k -> CompletableFuture.supplyAsync(() -> run(k, exec), pool));
  }

  State state(Key key) {
    CompletableFuture<Ended> run = runs.get(key);
    if (run == null) {
      return new Unknown();
    }
    return run.isDone() ? new Done(run.join()) : new Running();
  }

  /** Forgets the commands of a run once its end is in status. */
  void forgetRun(String namespace, String policy, String run) {
    runs.keySet().removeIf(k -> k.namespace().equals(namespace) && k.policy().equals(policy) && k.run().equals(run));
  }

  private Ended run(Key key, Exec exec) {
    OutputTail out = new OutputTail(TAIL_BYTES);
    OutputTail err = new OutputTail(TAIL_BYTES);
    long started = System.nanoTime();
    HookOutcome outcome;
    Integer exitCode = null;
    String problem = null;
    try (ExecWatch watch = client.pods().inNamespace(key.namespace()).withName(key.pod()).inContainer(exec.container())
        .writingOutput(out).writingError(err).exec(exec.command().toArray(String[]::new))) {
      exitCode = watch.exitCode().get(exec.timeout().toMillis(), TimeUnit.MILLISECONDS);
      // Null: the stream closed without the container's status, so how it ended is unknown.
      outcome = exitCode != null && exitCode == 0 ? HookOutcome.Succeeded : HookOutcome.Failed;
      if (exitCode == null) {
        problem = "the exec stream closed without an exit status";
      }
    } catch (TimeoutException e) {
      // Closing the stream does not stop the process in the container: docs say to wrap it in timeout.
      outcome = HookOutcome.TimedOut;
      problem = "no exit after " + exec.timeout().toSeconds() + "s";
    } catch (ExecutionException e) {
      outcome = HookOutcome.Failed;
      problem = "exec failed: " + describe(e.getCause());
    } catch (KubernetesClientException e) {
      outcome = HookOutcome.Failed;
      problem = "exec failed: " + describe(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = HookOutcome.Interrupted;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String output = output(out, err, problem);
    LOG.info("{} hook {} of {}/{} in pod {} container {}: {}{}", key.phase(), key.index(), key.namespace(), key.policy(),
        key.pod(), exec.container(), outcome, exitCode == null ? "" : " (exit " + exitCode + ")");
    return new Ended(outcome, exitCode, output, took);
  }

  /** What the API server said, with the way out for the one refusal an administrator causes. */
  private static String describe(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      boolean forbidden = cause instanceof KubernetesClientException k && k.getCode() == 403
          || cause instanceof WebSocketHandshakeException h && h.getResponse() != null && h.getResponse().code() == 403;
      if (forbidden) {
        return "the operator may not exec into pods (pods/exec create, get): install the chart with hooks.enabled=true";
      }
    }
    return Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
  }

  private static String output(OutputTail out, OutputTail err, String problem) {
    StringBuilder text = new StringBuilder(new String(out.bytes(), StandardCharsets.UTF_8));
    String stderr = new String(err.bytes(), StandardCharsets.UTF_8);
    if (!stderr.isEmpty()) {
      text.append(text.isEmpty() || text.charAt(text.length() - 1) == '\n' ? "" : "\n").append(stderr);
    }
    if (problem != null) {
      text.append(text.isEmpty() || text.charAt(text.length() - 1) == '\n' ? "" : "\n").append(problem);
    }
    return OutputTail.last(text.toString(), STATUS_TAIL_BYTES);
  }
}
