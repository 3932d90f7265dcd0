package dev.lifeboat.api.v1alpha1;

/** How a backup reads SQLite databases it finds on a volume. */
public enum SqliteCapture {
  /** Through SQLite's online backup API: a consistent copy even while the app writes. */
  Online,
  /** As plain bytes, like any other file: torn if the app writes during the backup. */
  Off
}
