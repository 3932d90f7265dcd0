package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Trigger {
  @JsonPropertyDescription("Set to a new value (e.g. a timestamp) to start one backup now. The value last acted on is shown in status.lastManualTrigger; GitOps-friendly.")
  public String manual;
}
