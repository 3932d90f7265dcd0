package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.api.v1alpha1.schema.LabelSelectorSchema;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Hook {
  @JsonPropertyDescription("Selects the pods, in this namespace, to run the command in. Default: the running pods that use the policy's claims.")
  @SchemaFrom(type = LabelSelectorSchema.class)
  public LabelSelector podSelector;

  @JsonPropertyDescription("Container to run the command in; defaults to the pod's first container.")
  public String container;

  @Required
  @Size(min = 1)
  @JsonPropertyDescription("The command and its arguments, run without a shell.")
  public List<String> command;

  @Min(1)
  @Default("60")
  @JsonPropertyDescription("Seconds the command may run before it counts as failed. Default 60.")
  public Integer timeoutSeconds = 60;

  @Default("Fail")
  @JsonPropertyDescription("Fail aborts the backup when the command fails; Continue logs it and goes on.")
  public HookErrorPolicy onError = HookErrorPolicy.Fail;
}
