package dev.lifeboat.snapshot.v1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** A point-in-time copy of a PersistentVolumeClaim's volume, taken by the claim's CSI driver. */
@Group(VolumeSnapshot.GROUP)
@Version(VolumeSnapshot.VERSION)
public class VolumeSnapshot extends CustomResource<VolumeSnapshotSpec, VolumeSnapshotStatus> implements Namespaced {
  public static final String GROUP = "snapshot.storage.k8s.io";
  public static final String VERSION = "v1";
  public static final String KIND = "VolumeSnapshot";
}
