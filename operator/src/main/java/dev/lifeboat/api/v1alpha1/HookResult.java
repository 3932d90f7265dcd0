package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HookResult {
  @JsonPropertyDescription("before or after: the list in spec.hooks.")
  public HookPhase phase;

  @JsonPropertyDescription("Position of the hook in its list, from 0.")
  public Integer index;

  @JsonPropertyDescription("The pod the command ran in; empty when no pod was selected.")
  public String pod;

  @JsonPropertyDescription("The container the command ran in.")
  public String container;

  @JsonPropertyDescription("Fail or Continue: what a failure of this hook does to the run.")
  public HookErrorPolicy onError;

  @JsonPropertyDescription("Succeeded, Failed, TimedOut, NoPods or Interrupted (the operator restarted while it ran); empty while it runs.")
  public HookOutcome outcome;

  @JsonPropertyDescription("The command's exit code, when it reported one.")
  public Integer exitCode;

  @JsonPropertyDescription("The last 1 KiB of the command's output (stdout, then stderr).")
  public String output;

  @JsonPropertyDescription("When the command started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("How long the command ran, in seconds.")
  public Long seconds;
}
