package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RepositorySource;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreSource;
import dev.lifeboat.common.Checked;
import dev.lifeboat.common.CrossNamespaceRestore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

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
  public Checked<ResolvedSource> resolve(RestoreRequest request) {
    String namespace = request.getMetadata().getNamespace();
    RestoreSource source = request.getSpec().source;
    if (source.policy != null) {
      BackupPolicy policy = client.resources(BackupPolicy.class).inNamespace(namespace).withName(source.policy).get();
      if (policy == null) {
        return Checked.problem(Reasons.POLICY_NOT_FOUND, "BackupPolicy " + source.policy
            + " named in spec.source.policy does not exist in namespace " + namespace
            + " (in a new cluster, restore with spec.source.repository)");
      }
      if (policy.getSpec() == null || policy.getSpec().destination == null || policy.getSpec().destination.s3 == null) {
        return Checked.problem(Reasons.INVALID_SPEC, "BackupPolicy " + source.policy
            + " named in spec.source.policy has no spec.destination.s3");
      }
      var dumps = policy.getSpec().source == null || policy.getSpec().source.dumps == null ? List.<DumpSource>of()
          : policy.getSpec().source.dumps;
      return Checked.of(new ResolvedSource(policy.getSpec().destination.s3, namespace, source.policy,
          policy.getSpec().encryption, policy.getSpec().jobTemplate, dumps));
    }
    RepositorySource repository = source.repository;
    String sourceNamespace = repository.namespace == null || repository.namespace.isBlank() ? namespace
        : repository.namespace;
    if (!crossNamespace.allows(namespace, sourceNamespace)) {
      return Checked.problem(Reasons.CROSS_NAMESPACE_DENIED, "spec.source.repository.namespace: a RestoreRequest in "
          + namespace + " may not read backups of namespace " + sourceNamespace
          + " (operator setting allowCrossNamespaceRestore)");
    }
    return Checked.of(new ResolvedSource(repository.s3, sourceNamespace, repository.policy, repository.encryption,
        null));
  }
}
