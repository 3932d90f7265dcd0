package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A backup in the repository whose manifest.json cannot be read, as the agent last reported it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DamagedBackupEntry {
  @JsonPropertyDescription("Backup id, e.g. 20251109T020000Z.")
  public String id;

  @JsonPropertyDescription("What is wrong, naming the object in the bucket, e.g. 'prod/ns/policy/20251109T020000Z/manifest.json is not valid JSON (...)'.")
  public String problem;

  @JsonPropertyDescription("When the operator first saw it damaged (RFC 3339).")
  public String firstSeen;

  public DamagedBackupEntry() {}

  public DamagedBackupEntry(String id, String problem, String firstSeen) {
    this.id = id;
    this.problem = problem;
    this.firstSeen = firstSeen;
  }
}
