package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.Encryption;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.S3Destination;
import dev.lifeboat.common.AgentCommandLine;

/**
 * Where a RestoreRequest's backups are: a repository and the namespace/policy prefix inside it,
 * with the key to read them and the Job template to run with (the policy's; null for defaults).
 */
public record ResolvedSource(S3Destination s3, String namespace, String policy, Encryption encryption,
    JobTemplate template) {

  /** For messages: {@code s3://bucket/prefix, backups of namespace/policy}. */
  public String describe() {
    return AgentCommandLine.repository(s3) + " (backups of " + namespace + "/" + policy + ")";
  }
}
