package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lifeboat.api.v1alpha1.schema.EnvFromSourceSchema;
import dev.lifeboat.api.v1alpha1.schema.EnvVarSchema;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** The app's own check of a drill's restored data, run in a container of the user's image. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerifyCheck {
  @Required
  @JsonPropertyDescription("Container image that runs the check, e.g. postgres:16 or keinos/sqlite3.")
  public String image;

  @Required
  @JsonPropertyDescription("The check's command (the image's entrypoint is not used). The restored data is at /restore/<claim>; exit 0 means the data is good. e.g. [sh, -c, \"sqlite3 /restore/memory-data/memory.db 'select count(*) from notes' | grep -qv '^0$'\"]")
  public List<String> command;

  @JsonPropertyDescription("Arguments after the command; $(VAR) references are expanded.")
  public List<String> args;

  @JsonPropertyDescription("Environment variables of the check container.")
  @SchemaFrom(type = EnvVarSchema[].class)
  public List<EnvVar> env;

  @JsonPropertyDescription("Secrets and ConfigMaps whose keys become environment variables of the check container.")
  @SchemaFrom(type = EnvFromSourceSchema[].class)
  public List<EnvFromSource> envFrom;
}
