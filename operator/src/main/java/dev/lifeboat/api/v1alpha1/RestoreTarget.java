package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.claim) != has(self.newClaim)",
    message = "set exactly one of target.claim or target.newClaim")
public class RestoreTarget {
  @JsonPropertyDescription("An existing PVC in this namespace.")
  public String claim;

  @JsonPropertyDescription("A PVC to create for the restore; it is not owned by the RestoreRequest and outlives it.")
  public NewClaim newClaim;

  @Pattern("^([^/.][^/]*(/[^/]+)*)?$")
  @JsonPropertyDescription("Restore into this directory of the volume instead of its root.")
  public String subPath;

  /** The PVC restored into, existing or new. */
  public static String claimName(RestoreTarget target) {
    return target.claim != null ? target.claim : target.newClaim.name;
  }
}
