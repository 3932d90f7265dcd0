package dev.lifeboat.api.v1alpha1;

/** Lower-case constants because they are the wire values users write in YAML. */
public enum Compression {
  zstd,
  gzip,
  none
}
