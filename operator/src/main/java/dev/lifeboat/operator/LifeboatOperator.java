package dev.lifeboat.operator;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.backuppolicy.BackupPolicyReconciler;
import dev.lifeboat.common.LifeboatClock;
import dev.lifeboat.common.Notifier;
import dev.lifeboat.common.Reporting;
import dev.lifeboat.metrics.OperatorMetrics;
import dev.lifeboat.notify.SecretWebhookUrl;
import dev.lifeboat.notify.WebhookNotifier;
import dev.lifeboat.restore.RestoreRequestReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Builds and runs the operator. Production, the tests and the sandbox all come through here, so
 * they run the same configuration: no server-side apply, which the API server stand-in used by the
 * tests and the sandbox does not speak, so production runs the tested path.
 */
public final class LifeboatOperator implements AutoCloseable {
  private final Operator operator;
  private final KubernetesClient client;
  private final OperatorSettings settings;
  /** The policies the metrics read their gauges from; the controllers' own cache is not reachable from outside. */
  private final List<SharedIndexInformer<BackupPolicy>> policies = new ArrayList<>();
  private final OperatorMetrics metrics;
  /** Null without a webhook. */
  private final WebhookNotifier notifier;
  private final LeaderLease lease;

  public LifeboatOperator(KubernetesClient client, OperatorSettings settings, LifeboatClock clock) {
    this(client, settings, clock, LeaderLease.EXIT);
  }

  /**
   * With leader election, {@code onLeaseLost} runs when another replica takes the Lease from this
   * one while it runs (production exits; tests watch for it); never when this one is closed.
   */
  public LifeboatOperator(KubernetesClient client, OperatorSettings settings, LifeboatClock clock,
      Runnable onLeaseLost) {
    this.client = client;
    this.lease = new LeaderLease(settings.leaseTerms().identity(), onLeaseLost);
    this.settings = settings;
    this.metrics = new OperatorMetrics(this::policies);
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(metrics.sdk())
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(lease.configuration(settings));
      }
    });
    this.notifier = settings.webhook() == null ? null : new WebhookNotifier(new SecretWebhookUrl(client,
        settings.webhook().namespace(), settings.webhook().secret(), settings.webhook().key(), clock));
    Reporting reporting = new Reporting(metrics.runs(), notifier == null ? Notifier.NONE : notifier);
    operator.register(new BackupPolicyReconciler(client, clock, settings.controllers(), reporting),
        config -> watched(settings, config));
    operator.register(new RestoreRequestReconciler(client, clock, settings.controllers(), reporting),
        config -> watched(settings, config));
  }

  private static void watched(OperatorSettings settings, ControllerConfigurationOverrider<?> config) {
    if (!settings.watchNamespaces().isEmpty()) {
      config.settingNamespaces(settings.watchNamespaces());
    }
  }

  public LifeboatOperator start() {
    var resources = client.resources(BackupPolicy.class);
    if (settings.watchNamespaces().isEmpty()) {
      policies.add(resources.inAnyNamespace().inform());
    } else {
      settings.watchNamespaces().forEach(namespace -> policies.add(resources.inNamespace(namespace).inform()));
    }
    operator.start();
    return this;
  }

  public OperatorMetrics metrics() {
    return metrics;
  }

  private Collection<BackupPolicy> policies() {
    return policies.stream().flatMap(informer -> informer.getStore().list().stream()).toList();
  }

  public boolean started() {
    return operator.getRuntimeInfo().isStarted();
  }

  public boolean healthy() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    lease.stopping();
    operator.stop();
    if (settings.leaderElection()) {
      lease.release(client, settings);
    }
    policies.forEach(SharedIndexInformer::close);
    if (notifier != null) {
      notifier.close();
    }
  }
}
