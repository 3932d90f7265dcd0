package dev.lifeboat.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class TolerationSchema {
  @JsonPropertyDescription("Taint key to tolerate; empty with operator Exists tolerates everything.")
  public String key;

  @JsonPropertyDescription("Exists or Equal (default).")
  public String operator;

  @JsonPropertyDescription("Taint value to match when operator is Equal.")
  public String value;

  @JsonPropertyDescription("NoSchedule, PreferNoSchedule or NoExecute; empty matches all effects.")
  public String effect;

  @JsonPropertyDescription("For NoExecute: seconds the pod stays bound after the taint appears.")
  public Long tolerationSeconds;
}
