package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NewClaim {
  @Required
  @JsonPropertyDescription("Name of the PVC to create.")
  public String name;

  @JsonPropertyDescription("StorageClass; empty means the cluster default.")
  public String storageClassName;

  @Required
  @JsonPropertyDescription("Requested size, e.g. 1Gi.")
  public Quantity size;

  @JsonPropertyDescription("Access modes; default [ReadWriteOnce].")
  public List<String> accessModes;
}
