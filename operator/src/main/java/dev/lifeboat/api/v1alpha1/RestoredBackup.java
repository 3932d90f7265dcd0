package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestoredBackup {
  @JsonPropertyDescription("Backup id.")
  public String id;

  @JsonPropertyDescription("When the backup was taken (RFC 3339).")
  public String time;

  @JsonPropertyDescription("Bytes of the restored archive.")
  public Long bytes;
}
