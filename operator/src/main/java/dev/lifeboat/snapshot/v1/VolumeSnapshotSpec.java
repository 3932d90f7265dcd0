package dev.lifeboat.snapshot.v1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class VolumeSnapshotSpec {
  public Source source;
  /** Empty: the cluster's default class for the claim's driver. */
  public String volumeSnapshotClassName;

  /** What to snapshot: a claim in the snapshot's namespace (pre-provisioned contents are not used here). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Source {
    public String persistentVolumeClaimName;
    public String volumeSnapshotContentName;
  }
}
