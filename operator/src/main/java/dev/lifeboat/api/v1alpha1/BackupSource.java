package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.api.v1alpha1.schema.LabelSelectorSchema;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.claims) && size(self.claims) > 0) != has(self.selector)",
    message = "set exactly one of source.claims or source.selector")
public class BackupSource {
  @JsonPropertyDescription("Names of PersistentVolumeClaims in this namespace. Exactly one of claims or selector.")
  public List<String> claims;

  @JsonPropertyDescription("Label selector over the PersistentVolumeClaims of this namespace. Exactly one of claims or selector.")
  @SchemaFrom(type = LabelSelectorSchema.class)
  public LabelSelector selector;

  @JsonPropertyDescription("Glob patterns of paths to leave out, relative to each volume's root, e.g. logs/** or **/*.tmp.")
  public List<String> exclude;

  @JsonPropertyDescription("How SQLite databases found on the volumes are read: Online (default) captures each through SQLite's online backup API, consistent while the app writes; Off archives them as plain bytes.")
  @Default("Online")
  public SqliteCapture sqlite;
}
