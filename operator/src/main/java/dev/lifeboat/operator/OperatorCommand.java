package dev.lifeboat.operator;

import dev.lifeboat.common.LifeboatClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** {@code lifeboat operator}: runs the controllers until SIGTERM, then stops them gracefully. */
@Command(name = "operator", mixinStandardHelpOptions = true,
    description = {"Run the Lifeboat operator (BackupPolicy and RestoreRequest controllers).",
        "Configured by environment: LIFEBOAT_WATCH_NAMESPACES, LIFEBOAT_AGENT_IMAGE, LIFEBOAT_AGENT_IMAGE_PULL_SECRETS,",
        "LIFEBOAT_LEADER_ELECTION, LIFEBOAT_LOG_LEVEL,",
        "LIFEBOAT_LEADER_ELECTION_NAMESPACE, LIFEBOAT_LOG_FORMAT (text|json), LIFEBOAT_HEALTH_PORT (/healthz, /readyz, /metrics)."})
public final class OperatorCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    int completionThreads = CompletionThreads.ensure();
    Logger log = LoggerFactory.getLogger(OperatorCommand.class);
    if (completionThreads < CompletionThreads.MINIMUM) {
      log.warn("the JVM's common pool has {} thread: every API response is completed on a new thread "
          + "(set -D{}={} to avoid it)", completionThreads, CompletionThreads.PARALLELISM, CompletionThreads.MINIMUM);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
      KubernetesClient client = new KubernetesClientBuilder().build();
      LifeboatOperator operator = new LifeboatOperator(client, settings, LifeboatClock.system());
      HealthServer health = settings.healthPort() > 0 ? new HealthServer(settings.healthPort(), operator) : null;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        log.info("stopping: finishing running reconciliations");
        operator.close();
        if (health != null) {
          health.close();
        }
        client.close();
        stopped.countDown();
      }, "lifeboat-shutdown"));
      log.info("starting Lifeboat operator; namespaces: {}, agent image: {}, leader election: {}",
          settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(), settings.agentImage(),
          settings.leaderElection());
      operator.start();
    } catch (RuntimeException | IOException e) {
      // One log line (one JSON object with LIFEBOAT_LOG_FORMAT=json), not a bare stack trace on stderr
      // that a log collector would split into a line per frame.
      log.error("the operator could not start: {}", e.getMessage(), e);
      return 1;
    }
    stopped.await();
    return 0;
  }
}
