package dev.lifeboat.snapshot.v1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Quantity;

/** Written by the snapshot controller; every field may be missing while the snapshot is being taken. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class VolumeSnapshotStatus {
  /** Set once the snapshot is bound to its VolumeSnapshotContent (the driver's snapshot). */
  public String boundVolumeSnapshotContentName;
  /** True once a volume can be provisioned from it; unset on some drivers even when it can. */
  public Boolean readyToUse;
  /** The smallest size a volume made from it may have. */
  public Quantity restoreSize;
  /** When the driver cut the snapshot (RFC 3339). */
  public String creationTime;
  /** The last error taking the snapshot, if any; the controller may still retry. */
  public Error error;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Error {
    public String message;
    public String time;
  }
}
