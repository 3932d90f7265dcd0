package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.Encryption;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.S3Destination;
import dev.lifeboat.common.AgentCommandLine;
import java.util.List;

/**
 * Where a RestoreRequest's backups are: a repository and the namespace/policy prefix inside it,
 * with the key to read them, the Job template to run with (the policy's; null for defaults), and
 * the policy's dumps (what a safety backup of a dump runs; empty for a repository).
 */
public record ResolvedSource(S3Destination s3, String namespace, String policy, Encryption encryption,
    JobTemplate template, List<DumpSource> dumps) {

  /** A source without dump commands. */
  public ResolvedSource(S3Destination s3, String namespace, String policy, Encryption encryption, JobTemplate template) {
    this(s3, namespace, policy, encryption, template, List.of());
  }

  /** The policy's dump of this name, or null. */
  public DumpSource dump(String name) {
    return dumps == null ? null : dumps.stream().filter(d -> name.equals(d.name)).findFirst().orElse(null);
  }

  /** For messages: {@code s3://bucket/prefix, backups of namespace/policy}. */
  public String describe() {
    return AgentCommandLine.repository(s3) + " (backups of " + namespace + "/" + policy + ")";
  }
}
