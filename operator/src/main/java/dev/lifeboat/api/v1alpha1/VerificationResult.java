package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationResult {
  @JsonPropertyDescription("The backup that was verified.")
  public String id;

  @JsonPropertyDescription("When the drill finished (RFC 3339).")
  public String time;

  @JsonPropertyDescription("Succeeded or Failed.")
  public String result;

  @JsonPropertyDescription("What the drill found.")
  public String message;
}
