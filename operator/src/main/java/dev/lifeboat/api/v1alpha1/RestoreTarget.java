package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.claim) ? 1 : 0) + (has(self.newClaim) ? 1 : 0) + (has(self.command) ? 1 : 0) == 1",
    message = "set exactly one of target.claim, target.newClaim or target.command")
@ValidationRule(value = "!(has(self.command) && has(self.subPath))",
    message = "target.subPath applies to a volume, not to target.command")
public class RestoreTarget {
  @JsonPropertyDescription("An existing PVC in this namespace.")
  public String claim;

  @JsonPropertyDescription("A PVC to create for the restore; it is not owned by the RestoreRequest and outlives it.")
  public NewClaim newClaim;

  @Pattern("^([^/.][^/]*(/[^/]+)*)?$")
  @JsonPropertyDescription("Restore into this directory of the volume instead of its root.")
  public String subPath;

  @JsonPropertyDescription("A command whose standard input receives a dump (source.dump), e.g. pg_restore; it runs in a container of the restore Job.")
  public CommandContainer command;

  /** The PVC restored into, existing or new; null when the target is a command. */
  public static String claimName(RestoreTarget target) {
    if (target.claim != null) {
      return target.claim;
    }
    return target.newClaim != null ? target.newClaim.name : null;
  }
}
