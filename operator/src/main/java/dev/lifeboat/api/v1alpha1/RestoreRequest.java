package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One-shot restore of a backup into a PVC; its spec cannot change after creation. Printer columns
 * in kubectl's order, as for {@link BackupPolicy}.
 */
@Group(Lifeboat.GROUP)
@Version(Lifeboat.VERSION)
@ShortNames("rr")
@Categories({Lifeboat.CATEGORY_ALL, Lifeboat.CATEGORY_BACKUP})
@JsonClassDescription("A RestoreRequest restores one backup, once, into a PersistentVolumeClaim (or a dump into a"
    + " command), stopping the workloads that use it while it runs. Its spec cannot change after creation: to"
    + " restore again, create another. Ready turns True when the restore succeeded.")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Backup", jsonPath = ".status.backup.id", type = Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress.percent", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@AdditionalPrinterColumn(name = "Stage", jsonPath = ".status.stage", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Safety Backup", jsonPath = ".status.safetyBackup.id", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", type = Type.STRING, priority = 1)
public class RestoreRequest extends CustomResource<RestoreRequestSpec, RestoreRequestStatus> implements Namespaced {
  // Overridden only to give the schema's spec and status properties a description.
  @Override
  @JsonPropertyDescription("Which backup to restore into which volume; immutable after creation.")
  public RestoreRequestSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Progress and outcome of the restore. Written only by the operator.")
  public RestoreRequestStatus getStatus() {
    return super.getStatus();
  }
}
