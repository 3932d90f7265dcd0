package dev.lifeboat.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class ConditionSchema {
  @Required
  @JsonPropertyDescription("Condition type, e.g. Ready or BackupOverdue.")
  public String type;

  @Required
  @JsonPropertyDescription("True, False or Unknown.")
  public String status;

  @JsonPropertyDescription("Why, as one CamelCase word.")
  public String reason;

  @JsonPropertyDescription("Human-readable detail naming the field or object at fault.")
  public String message;

  @JsonPropertyDescription("When status last changed (RFC 3339).")
  public String lastTransitionTime;

  @JsonPropertyDescription("The metadata.generation the condition was computed for.")
  public Long observedGeneration;
}
