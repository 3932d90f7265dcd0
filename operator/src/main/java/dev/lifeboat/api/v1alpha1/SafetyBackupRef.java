package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SafetyBackupRef {
  @JsonPropertyDescription("Id of the pre-restore backup; restore it to undo this restore.")
  public String id;
}
