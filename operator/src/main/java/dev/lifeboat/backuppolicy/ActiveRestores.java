package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreSource;
import dev.lifeboat.api.v1alpha1.RestoreTarget;
import dev.lifeboat.common.CrossNamespaceRestore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.List;

/**
 * The policy's view of restores. Unfinished RestoreRequests matter to a BackupPolicy's runs in two
 * ways: the backups they read must survive retention (pins), and a claim being restored into must
 * not be backed up meanwhile.
 */
public class ActiveRestores {
  private final KubernetesClient client;
  private final CrossNamespaceRestore crossNamespace;

  public ActiveRestores(KubernetesClient client, CrossNamespaceRestore crossNamespace) {
    this.client = client;
    this.crossNamespace = crossNamespace;
  }

  /** Ids of backups of namespace/policy that unfinished RestoreRequests have chosen to restore. */
  public List<String> backupsBeingRead(String namespace, String policy) {
    // Only RestoreRequests the tenancy setting lets read this namespace can be reading it.
    List<RestoreRequest> candidates = crossNamespace.anyAllowed()
        ? client.resources(RestoreRequest.class).inAnyNamespace().list().getItems()
        : client.resources(RestoreRequest.class).inNamespace(namespace).list().getItems();
    return candidates.stream()
        .filter(ActiveRestores::unfinished)
        .filter(r -> r.getStatus() != null && r.getStatus().backup != null && r.getStatus().backup.id != null)
        .filter(r -> reads(r, namespace, policy))
        .map(r -> r.getStatus().backup.id)
        .distinct()
        .sorted()
        .toList();
  }

  /** Names of unfinished RestoreRequests of this namespace that restore into one of these claims. */
  public List<String> restoringInto(String namespace, Collection<String> claims) {
    return client.resources(RestoreRequest.class).inNamespace(namespace).list().getItems().stream()
        .filter(ActiveRestores::unfinished)
        .filter(r -> r.getSpec() != null && r.getSpec().target != null)
        .filter(r -> {
          String target = RestoreTarget.claimName(r.getSpec().target);
          return target != null && claims.contains(target);
        })
        .map(r -> r.getMetadata().getName())
        .sorted()
        .toList();
  }

  private static boolean unfinished(RestoreRequest request) {
    return request.getStatus() == null || request.getStatus().phase == null || !request.getStatus().phase.finished();
  }

  private static boolean reads(RestoreRequest request, String namespace, String policy) {
    RestoreSource source = request.getSpec() == null ? null : request.getSpec().source;
    if (source == null) {
      return false;
    }
    String own = request.getMetadata().getNamespace();
    if (source.policy != null) {
      return own.equals(namespace) && source.policy.equals(policy);
    }
    String sourceNamespace = source.repository.namespace == null || source.repository.namespace.isBlank() ? own
        : source.repository.namespace;
    return sourceNamespace.equals(namespace) && policy.equals(source.repository.policy);
  }
}
