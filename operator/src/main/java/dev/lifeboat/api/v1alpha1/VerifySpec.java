package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerifySpec {
  @JsonPropertyDescription("When to run a restore drill (download the newest backup, check every checksum), as cron; empty means never.")
  public String schedule;

  @Default("45d")
  @Pattern("^([0-9]+(s|m|h|d|w))+$")
  @JsonPropertyDescription("VerificationOverdue turns True when the last successful drill is older than this. Default 45d.")
  public String maxAge = "45d";
}
