package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Times;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A "kubelet" for measuring the operator, not the agent: every Lifeboat Job succeeds at once. Its
 * one pod is created as {@link LocalJobRunner} creates it, every container terminates with exit
 * code 0, the agent's termination message is a succeeded {@link AgentResult} for the Job's command
 * and backup id, and the agent's log holds an empty backup listing (what {@code agent list} prints
 * for an empty repository). Nothing runs and nothing is stored in S3.
 */
final class InstantJobRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InstantJobRunner.class);
  private static final String EMPTY_LISTING = "[]\n";

  private final KubernetesClient client;
  private final Path state;
  private final Clock clock;
  private final ExecutorService workers;
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private final LongAdder completed = new LongAdder();
  private SharedIndexInformer<Job> informer;

  /** {@code state} is where pod logs go, as {@link PodLogDispatcher} serves them; {@code threads} complete Jobs side by side. */
  InstantJobRunner(KubernetesClient client, Path state, Clock clock, int threads) {
    this.client = client;
    this.state = state;
    this.clock = clock;
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread thread = new Thread(r, "instant-job-runner");
      thread.setDaemon(true);
      return thread;
    });
  }

  InstantJobRunner start() {
    informer = client.batch().v1().jobs().inAnyNamespace()
        .withLabel(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE)
        .inform(new OnAddOrUpdate<>(job -> {
          if (!JobOutcomeReader.finished(job) && started.add(job.getMetadata().getUid())) {
            workers.submit(() -> complete(job));
          }
        }));
    return this;
  }

  /** How many Jobs this runner completed. */
  long completed() {
    return completed.sum();
  }

  private void complete(Job job) {
    String namespace = job.getMetadata().getNamespace();
    String podName = job.getMetadata().getName() + "-" + LocalJobRunner.suffix(job.getMetadata().getUid(), 0);
    try {
      String start = Times.rfc3339(clock.instant());
      Pod pod = client.pods().inNamespace(namespace).resource(LocalJobRunner.pod(job, podName)).create();
      pod.getSpec().setNodeName("sandbox");
      PodStatusReport report = new PodStatusReport(pod.getSpec(), start, clock);
      List<Container> containers = new ArrayList<>(pod.getSpec().getInitContainers() == null ? List.of()
          : pod.getSpec().getInitContainers());
      containers.addAll(pod.getSpec().getContainers());
      for (Container container : containers) {
        boolean agent = Lifeboat.AGENT_CONTAINER.equals(container.getName());
        report.running(container.getName());
        report.terminated(container.getName(), 0, "Completed", agent ? result(job, container, start) : null);
        if (agent) {
          Path log = state.resolve("pods").resolve(namespace).resolve(podName).resolve("containers")
              .resolve(container.getName()).resolve("container.log");
          Files.createDirectories(log.getParent());
          Files.writeString(log, EMPTY_LISTING, StandardCharsets.UTF_8);
        }
      }
      pod.setStatus(report.build());
      client.pods().inNamespace(namespace).resource(pod).updateStatus();
      String end = Times.rfc3339(clock.instant());
      Job current = client.batch().v1().jobs().inNamespace(namespace).withName(job.getMetadata().getName()).get();
      if (current == null) {
        return; // deleted meanwhile
      }
      current.setStatus(new JobStatusBuilder().withStartTime(start).withCompletionTime(end).withActive(0).withSucceeded(1)
          .addToConditions(LocalJobRunner.condition("SuccessCriteriaMet", end, null),
              LocalJobRunner.condition("Complete", end, null)).build());
      client.batch().v1().jobs().inNamespace(namespace).resource(current).updateStatus();
      completed.increment();
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not complete Job {}/{}: {}", namespace, job.getMetadata().getName(), e.toString());
    }
  }

  /** What the agent writes on success: its command (the word after {@code agent}), the Job's backup id. */
  private static String result(Job job, Container agent, String start) {
    List<String> words = new ArrayList<>();
    if (agent.getCommand() != null) {
      words.addAll(agent.getCommand());
    }
    if (agent.getArgs() != null) {
      words.addAll(agent.getArgs());
    }
    int at = words.indexOf("agent");
    String command = at >= 0 && at + 1 < words.size() ? words.get(at + 1) : "backup";
    return new AgentResult(AgentResult.CURRENT_VERSION, command, JobOutcomeReader.backupId(job), BackupPhase.Succeeded,
        start, start, 4096L, 3L, "sha256:" + "ab".repeat(32), 0.1, null, command + " finished at once (no data)", null)
        .toJson();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
