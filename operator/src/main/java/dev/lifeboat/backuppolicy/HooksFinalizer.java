package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Holds a policy with a finalizer while its run's after hooks are still to come, so that deleting
 * the policy between before and after hooks does not leave the app paused: the after hooks run,
 * then the finalizer goes and the policy with it. Only then: a policy without hooks never gets one.
 */
final class HooksFinalizer {
  private final KubernetesClient client;

  HooksFinalizer(KubernetesClient client) {
    this.client = client;
  }

  void hold(BackupPolicy policy, boolean wanted) {
    if (policy.hasFinalizer(RunStages.FINALIZER) == wanted) {
      return;
    }
    client.resources(BackupPolicy.class).inNamespace(policy.getMetadata().getNamespace())
        .withName(policy.getMetadata().getName()).edit(current -> {
          if (wanted) {
            current.addFinalizer(RunStages.FINALIZER);
          } else {
            current.removeFinalizer(RunStages.FINALIZER);
          }
          return current;
        });
  }
}
