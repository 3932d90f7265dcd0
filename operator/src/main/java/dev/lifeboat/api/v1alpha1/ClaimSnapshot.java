package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One claim of a copyMethod: Snapshot run: its VolumeSnapshot and the temporary claim the Job reads. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClaimSnapshot {
  @JsonPropertyDescription("The policy's claim.")
  public String claim;

  @JsonPropertyDescription("The VolumeSnapshot taken of it (deleted when the run ends).")
  public String snapshot;

  @JsonPropertyDescription("The temporary PersistentVolumeClaim made from the snapshot, which the backup Job mounts (deleted when the run ends).")
  public String temporaryClaim;

  @JsonPropertyDescription("Whether the snapshot was ready to use when last looked at.")
  public Boolean readyToUse;

  @JsonPropertyDescription("The snapshot's own error, from its status.error.message.")
  public String error;

  public ClaimSnapshot() {}

  public ClaimSnapshot(String claim, String snapshot, String temporaryClaim) {
    this.claim = claim;
    this.snapshot = snapshot;
    this.temporaryClaim = temporaryClaim;
  }
}
