package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Backs up PersistentVolumeClaims to S3 on a schedule and keeps a retention set. */
@Group(Lifeboat.GROUP)
@Version(Lifeboat.VERSION)
@ShortNames("bp")
@AdditionalPrinterColumn(name = "Schedule", jsonPath = ".spec.schedule", type = Type.STRING)
@AdditionalPrinterColumn(name = "Last Success", jsonPath = ".status.lastSuccessfulBackup", type = Type.DATE)
@AdditionalPrinterColumn(name = "Overdue", jsonPath = ".status.conditions[?(@.type==\"BackupOverdue\")].status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Kept", jsonPath = ".status.retention.kept", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Next", jsonPath = ".status.nextBackup", type = Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class BackupPolicy extends CustomResource<BackupPolicySpec, BackupPolicyStatus> implements Namespaced {
  // Overridden only to give the schema's spec and status properties a description.
  @Override
  @JsonPropertyDescription("What to back up, when, where to, and what to keep.")
  public BackupPolicySpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator observed: conditions, last and next backup, retained backups. Written only by the operator.")
  public BackupPolicyStatus getStatus() {
    return super.getStatus();
  }
}
