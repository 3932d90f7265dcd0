package dev.lifeboat.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

public class ResourceRequirementsSchema {
  @JsonPropertyDescription("Maximum resources, e.g. cpu: 1, memory: 512Mi.")
  public Map<String, Quantity> limits;

  @JsonPropertyDescription("Resources reserved for scheduling, e.g. cpu: 100m, memory: 256Mi.")
  public Map<String, Quantity> requests;
}
