package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One dump of a backup run, as status shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DumpSummary {
  @JsonPropertyDescription("The dump's name in spec.source.dumps.")
  public String name;

  @JsonPropertyDescription("Bytes stored in the repository (compressed, and encrypted when a key is set).")
  public Long size;

  @JsonPropertyDescription("Bytes the command wrote.")
  public Long bytes;

  @JsonPropertyDescription("Seconds the dump took, from its start to the end of its output.")
  public Double seconds;
}
