package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RepositorySource;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreSource;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Works out where a RestoreRequest reads from: the named policy's destination and key (same
 * namespace only), or the repository given; and whether the tenancy setting allows it.
 */
public class SourceResolver {
  private final KubernetesClient client;
  private final CrossNamespaceRestore crossNamespace;

  public SourceResolver(KubernetesClient client, CrossNamespaceRestore crossNamespace) {
    this.client = client;
    this.crossNamespace = crossNamespace;
  }

  /** The source, or why it cannot be read. */
  public record Resolution(ResolvedSource source, String problemReason, String problem) {
    public boolean ok() {
      return problem == null;
    }

    static Resolution problem(String reason, String message) {
      return new Resolution(null, reason, message);
    }
  }

  public Resolution resolve(RestoreRequest request) {
    String namespace = request.getMetadata().getNamespace();
    RestoreSource source = request.getSpec().source;
    if (source.policy != null) {
      BackupPolicy policy = client.resources(BackupPolicy.class).inNamespace(namespace).withName(source.policy).get();
      if (policy == null) {
        return Resolution.problem(Reasons.POLICY_NOT_FOUND, "BackupPolicy " + source.policy
            + " named in spec.source.policy does not exist in namespace " + namespace
            + " (in a new cluster, restore with spec.source.repository)");
      }
      if (policy.getSpec() == null || policy.getSpec().destination == null || policy.getSpec().destination.s3 == null) {
        return Resolution.problem(Reasons.INVALID_SPEC, "BackupPolicy " + source.policy
            + " named in spec.source.policy has no spec.destination.s3");
      }
      return new Resolution(new ResolvedSource(policy.getSpec().destination.s3, namespace, source.policy,
          policy.getSpec().encryption, policy.getSpec().jobTemplate), null, null);
    }
    RepositorySource repository = source.repository;
    String sourceNamespace = repository.namespace == null || repository.namespace.isBlank() ? namespace
        : repository.namespace;
    if (!crossNamespace.allows(namespace, sourceNamespace)) {
      return Resolution.problem(Reasons.CROSS_NAMESPACE_DENIED, "spec.source.repository.namespace: a RestoreRequest in "
          + namespace + " may not read backups of namespace " + sourceNamespace
          + " (operator setting allowCrossNamespaceRestore)");
    }
    return new Resolution(new ResolvedSource(repository.s3, sourceNamespace, repository.policy, repository.encryption,
        null), null, null);
  }
}
