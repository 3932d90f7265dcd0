package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RepositoryDiscovery {
  @JsonPropertyDescription("Running, Succeeded or Failed.")
  public DiscoveryPhase phase;

  @JsonPropertyDescription("When the listing finished (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("Complete backups found in the repository (safety backups not counted).")
  public Integer found;

  @JsonPropertyDescription("What the listing found, or why it failed.")
  public String message;
}
