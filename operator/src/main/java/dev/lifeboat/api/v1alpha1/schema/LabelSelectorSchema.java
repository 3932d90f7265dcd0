package dev.lifeboat.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

public class LabelSelectorSchema {
  @JsonPropertyDescription("Labels an object must carry, as key: value pairs; all must match.")
  public Map<String, String> matchLabels;

  @JsonPropertyDescription("Set-based requirements; all must match.")
  public List<LabelSelectorRequirementSchema> matchExpressions;
}
