package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Immutable once created: a restore is a one-shot action, so a changed spec is a new RestoreRequest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "spec is immutable; create a new RestoreRequest instead")
@ValidationRule(value = "!has(self.target.command) || !has(self.mode) || self.mode != 'Merge'",
    message = "mode Merge applies to a volume, not to target.command")
public class RestoreRequestSpec {
  @Required
  @JsonPropertyDescription("Which backup to restore: from a policy of this namespace or straight from a repository.")
  public RestoreSource source;

  @Required
  @JsonPropertyDescription("Where to restore: an existing PVC, one created for the restore, or (for a dump) a command.")
  public RestoreTarget target;

  @Default("Replace")
  @JsonPropertyDescription("Replace makes the target exactly the backup, swapped in only once every checksum matched (a failed restore leaves the target as it was); Merge overlays the backup onto what is there.")
  public RestoreMode mode = RestoreMode.Replace;

  @JsonPropertyDescription("Back up the target's current contents before restoring, so the restore can be undone. Default true for Replace, false for Merge.")
  public Boolean safetyBackup;

  @JsonPropertyDescription("Workloads to scale to zero during the restore (stop writers) and scale back afterwards.")
  public List<ScaleTarget> scaleDown;

  @JsonPropertyDescription("How the restore's Jobs run: resources, node selection, deadline, and podSecurityContext (the identity restored files get; by default the identity of the pods that use the target claim). A policy source's jobTemplate applies when this is not set.")
  public JobTemplate jobTemplate;
}
