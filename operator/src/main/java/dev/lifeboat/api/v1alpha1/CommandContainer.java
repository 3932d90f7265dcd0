package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lifeboat.api.v1alpha1.schema.EnvFromSourceSchema;
import dev.lifeboat.api.v1alpha1.schema.EnvVarSchema;
import dev.lifeboat.api.v1alpha1.schema.ResourceRequirementsSchema;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;

/**
 * A command run in a container of the user's image inside one of Lifeboat's Jobs: a dump
 * source's command, or the command a dump is restored into. No shell is needed in the image.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CommandContainer {
  @Required
  @JsonPropertyDescription("Container image that runs the command, e.g. postgres:16.")
  public String image;

  @Required
  @Size(min = 1)
  @JsonPropertyDescription("The program and its arguments, run without a shell (the image's entrypoint is not used). $(VAR) references to the container's environment are expanded.")
  public List<String> command;

  @JsonPropertyDescription("Arguments appended to the command; $(VAR) references are expanded.")
  public List<String> args;

  @JsonPropertyDescription("Environment variables of the container.")
  @SchemaFrom(type = EnvVarSchema[].class)
  public List<EnvVar> env;

  @JsonPropertyDescription("Secrets and ConfigMaps whose keys become environment variables of the container.")
  @SchemaFrom(type = EnvFromSourceSchema[].class)
  public List<EnvFromSource> envFrom;

  @JsonPropertyDescription("CPU and memory requests and limits of the container; by default those of the agent.")
  @SchemaFrom(type = ResourceRequirementsSchema.class)
  public ResourceRequirements resources;
}
