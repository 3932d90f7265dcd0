package dev.lifeboat.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.List;

public class LabelSelectorRequirementSchema {
  @Required
  @JsonPropertyDescription("The label key.")
  public String key;

  @Required
  @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
  public String operator;

  @JsonPropertyDescription("Values for In and NotIn; empty for Exists and DoesNotExist.")
  public List<String> values;
}
