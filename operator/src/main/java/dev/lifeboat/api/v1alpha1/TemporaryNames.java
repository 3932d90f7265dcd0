package dev.lifeboat.api.v1alpha1;

import java.util.Locale;

/**
 * Deterministic names of a Snapshot-mode run's temporary objects: the same run and claim always get
 * the same name, so a restarted operator finds what it created instead of creating it twice.
 */
public final class TemporaryNames {
  private TemporaryNames() {}

  /**
   * {@code lb-<policy>-<backupid>-<claim>}, at most 63 characters (shortened with a hash of the whole
   * when longer): the VolumeSnapshot of the claim and the temporary claim made from it share it.
   */
  public static String of(String policy, String backupId, String claim) {
    String name = "lb-" + policy + "-" + backupId.toLowerCase(Locale.ROOT) + "-" + claim;
    if (name.length() <= JobNames.MAX_LENGTH) {
      return name;
    }
    String hash = JobNames.sha256(name).substring(0, 10);
    String head = name.substring(0, JobNames.MAX_LENGTH - hash.length() - 1).replaceAll("[-.]+$", "");
    return head + "-" + hash;
  }
}
