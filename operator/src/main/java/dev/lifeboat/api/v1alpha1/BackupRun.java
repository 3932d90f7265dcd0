package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupRun {
  @JsonPropertyDescription("Backup id: the UTC start time, e.g. 20251109T020000Z.")
  public String id;

  @JsonPropertyDescription("Running, Succeeded, PartiallyFailed (stored, but data was left out: see leftOut) or Failed.")
  public BackupPhase phase;

  @JsonPropertyDescription("When the run started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the run finished (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("Bytes stored in the repository for this backup (compressed archives).")
  public Long bytes;

  @JsonPropertyDescription("Files in the backup.")
  public Long files;

  @JsonPropertyDescription("SHA-256 of the backup's manifest, sha256:<hex>.")
  public String checksum;

  @JsonPropertyDescription("The agent's one-line summary or error.")
  public String message;

  @JsonPropertyDescription("The Job that ran the backup.")
  public String job;

  @JsonPropertyDescription("What the backup noticed but still holds all the data of, e.g. a file that kept changing while read (first few; the message gives the count).")
  public List<String> warnings;

  @JsonPropertyDescription("Data the backup left out, e.g. files it could not read, with their owner (first few; the message gives the count).")
  public List<String> leftOut;

  @JsonPropertyDescription("The dumps of spec.source.dumps the backup holds, with their sizes.")
  public List<DumpSummary> dumps;
}
