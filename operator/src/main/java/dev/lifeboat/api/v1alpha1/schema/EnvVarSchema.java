package dev.lifeboat.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class EnvVarSchema {
  @Required
  @JsonPropertyDescription("Name of the environment variable.")
  public String name;

  @JsonPropertyDescription("Value; $(VAR) references to variables defined before it are expanded.")
  public String value;

  @JsonPropertyDescription("Where the value comes from instead: secretKeyRef or configMapKeyRef.")
  public ValueFrom valueFrom;

  public static class ValueFrom {
    @JsonPropertyDescription("A key of a Secret in the policy's namespace.")
    public KeyRef secretKeyRef;

    @JsonPropertyDescription("A key of a ConfigMap in the policy's namespace.")
    public KeyRef configMapKeyRef;
  }

  public static class KeyRef {
    @Required
    @JsonPropertyDescription("Name of the Secret or ConfigMap.")
    public String name;

    @Required
    @JsonPropertyDescription("The key whose value is taken.")
    public String key;

    @JsonPropertyDescription("When true, a missing object or key leaves the variable unset instead of keeping the container from starting.")
    public Boolean optional;
  }
}
