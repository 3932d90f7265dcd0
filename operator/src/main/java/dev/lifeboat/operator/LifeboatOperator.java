package dev.lifeboat.operator;

import dev.lifeboat.backuppolicy.BackupPolicyReconciler;
import dev.lifeboat.common.LifeboatClock;
import dev.lifeboat.restore.RestoreRequestReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;

/**
 * Builds and runs the operator. Production, the tests and the sandbox all come through here, so
 * they run the same configuration: no server-side apply, which the API server stand-in used by the
 * tests and the sandbox does not speak, so production runs the tested path.
 */
public final class LifeboatOperator implements AutoCloseable {
  private final Operator operator;

  public LifeboatOperator(KubernetesClient client, OperatorSettings settings, LifeboatClock clock) {
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(settings.leaseNamespace().isEmpty()
            ? new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME)
            : new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME, settings.leaseNamespace()));
      }
    });
    operator.register(new BackupPolicyReconciler(client, clock, settings.controllers()),
        config -> watched(settings, config));
    operator.register(new RestoreRequestReconciler(client, clock, settings.controllers()),
        config -> watched(settings, config));
  }

  private static void watched(OperatorSettings settings, ControllerConfigurationOverrider<?> config) {
    if (!settings.watchNamespaces().isEmpty()) {
      config.settingNamespaces(settings.watchNamespaces());
    }
  }

  public LifeboatOperator start() {
    operator.start();
    return this;
  }

  public boolean started() {
    return operator.getRuntimeInfo().isStarted();
  }

  public boolean healthy() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
