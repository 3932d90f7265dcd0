package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.policy) != has(self.repository)",
    message = "set exactly one of source.policy or source.repository")
@ValidationRule(value = "!(has(self.backup) && has(self.before))",
    message = "set at most one of source.backup or source.before")
@ValidationRule(value = "!has(self.dump) || (!has(self.claim) && !has(self.paths))",
    message = "source.dump cannot be combined with source.claim or source.paths")
public class RestoreSource {
  @JsonPropertyDescription("A BackupPolicy in this namespace whose destination and encryption key are used.")
  public String policy;

  @JsonPropertyDescription("A repository to read directly, for disaster recovery when no BackupPolicy exists.")
  public RepositorySource repository;

  @Pattern("^(latest|[0-9]{8}T[0-9]{6}Z)$")
  @JsonPropertyDescription("latest, or a backup id such as 20251109T020000Z. Default latest.")
  public String backup;

  @JsonPropertyDescription("Restore the newest successful backup at or before this time (RFC 3339).")
  public String before;

  @JsonPropertyDescription("Which volume of the backup to restore; required when the backup holds several.")
  public String claim;

  @JsonPropertyDescription("Restore only these paths (files or directories, relative to the volume root).")
  public List<String> paths;

  @JsonPropertyDescription("Which dump of the backup to restore, by its name in the policy's source.dumps; it is streamed into target.command. Not with claim or paths.")
  public String dump;
}
