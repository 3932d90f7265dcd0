package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Status is built on a deep copy (the cached resource is never mutated) and written only when it changed. */
final class StatusCopy {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StatusCopy() {}

  static BackupPolicyStatus of(BackupPolicyStatus status) {
    return status == null ? new BackupPolicyStatus() : SERIALIZATION.clone(status);
  }

  static boolean same(BackupPolicyStatus before, BackupPolicyStatus after) {
    return before != null && SERIALIZATION.convertValue(before, com.fasterxml.jackson.databind.JsonNode.class)
        .equals(SERIALIZATION.convertValue(after, com.fasterxml.jackson.databind.JsonNode.class));
  }

  static BackupPolicy withStatus(BackupPolicy policy, BackupPolicyStatus status) {
    BackupPolicy copy = SERIALIZATION.clone(policy);
    copy.setStatus(status);
    return copy;
  }
}
