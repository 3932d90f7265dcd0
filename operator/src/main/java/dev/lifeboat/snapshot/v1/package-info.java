/**
 * A small typed model of the CSI external-snapshotter's {@code snapshot.storage.k8s.io/v1}
 * VolumeSnapshot: only the fields Lifeboat reads or writes. Not Lifeboat's API: the CRD generator
 * excludes this package, and the operator registers no informer on it, so a cluster without the
 * snapshot CRD starts and runs everything but {@code copyMethod: Snapshot}. Imports nothing of
 * Lifeboat.
 */
package dev.lifeboat.snapshot.v1;
