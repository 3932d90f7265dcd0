package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleTarget {
  @Required
  @Pattern("^(Deployment|StatefulSet)$")
  @JsonPropertyDescription("Deployment or StatefulSet.")
  public String kind;

  @Required
  @JsonPropertyDescription("Name of the workload in this namespace.")
  public String name;

  @JsonPropertyDescription("Replica count before scale-down; written by the operator into status so it survives restarts.")
  public Integer replicas;
}
