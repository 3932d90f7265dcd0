package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.api.v1alpha1.schema.LabelSelectorSchema;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.claims) && size(self.claims) > 0) || has(self.selector) || (has(self.dumps) && size(self.dumps) > 0)",
    message = "set at least one of source.claims, source.selector or source.dumps")
@ValidationRule(value = "!(has(self.claims) && size(self.claims) > 0 && has(self.selector))",
    message = "set at most one of source.claims or source.selector")
@ValidationRule(value = "!has(self.dumps) || self.dumps.all(d, self.dumps.exists_one(e, e.name == d.name))",
    message = "source.dumps: names must be unique")
public class BackupSource {
  /** Most dumps one policy may hold; bounds the cost of the uniqueness rule. */
  public static final int MAX_DUMPS = 32;

  @JsonPropertyDescription("Names of PersistentVolumeClaims in this namespace. At most one of claims or selector; optional when dumps are given.")
  public List<String> claims;

  @JsonPropertyDescription("Label selector over the PersistentVolumeClaims of this namespace. At most one of claims or selector; optional when dumps are given.")
  @SchemaFrom(type = LabelSelectorSchema.class)
  public LabelSelector selector;

  @Size(max = MAX_DUMPS)
  @JsonPropertyDescription("Commands whose standard output is backed up, each as one object, e.g. pg_dump of a database reached by URL. Each runs in its own container of the backup Job, as the Job's user.")
  public List<DumpSource> dumps;

  @JsonPropertyDescription("Glob patterns of paths to leave out, relative to each volume's root, e.g. logs/** or **/*.tmp.")
  public List<String> exclude;

  @JsonPropertyDescription("How SQLite databases found on the volumes are read: Online (default) captures each through SQLite's online backup API, consistent while the app writes; Off archives them as plain bytes.")
  @Default("Online")
  public SqliteCapture sqlite;
}
