package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerifySpec {
  @JsonPropertyDescription("When to run a restore drill, as cron in spec.timeZone; empty means never. A drill downloads the newest good backup, checks every checksum, restores it into scratch space inside its Job, runs PRAGMA integrity_check on every SQLite database in it, then runs check if given. It never holds backups back, and the backup it reads is pinned while it reads it.")
  public String schedule;

  @Default("45d")
  @Pattern("^([0-9]+(s|m|h|d|w))+$")
  @JsonPropertyDescription("VerificationOverdue turns True when the last successful drill is older than this. Default 45d.")
  public String maxAge = "45d";

  @JsonPropertyDescription("The app's own check of the restored data (e.g. count rows), in a container of your image after the restore; exit 0 means good.")
  public VerifyCheck check;
}
