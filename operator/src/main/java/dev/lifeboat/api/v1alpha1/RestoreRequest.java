package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One-shot restore of a backup into a PVC; its spec cannot change after creation. */
@Group(Lifeboat.GROUP)
@Version(Lifeboat.VERSION)
@ShortNames("rr")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Backup", jsonPath = ".status.backup.id", type = Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress.percent", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
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
