package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationResult {
  @JsonPropertyDescription("The backup that was verified.")
  public String id;

  @JsonPropertyDescription("When the drill finished (RFC 3339); while it runs, when it started.")
  public String time;

  @JsonPropertyDescription("Running, Succeeded or Failed.")
  public String result;

  @JsonPropertyDescription("The drill's Job.")
  public String job;

  @JsonPropertyDescription("What the drill found.")
  public String message;
}
