package dev.lifeboat.agent.ops;

/**
 * Verifying a chosen backup failed: the cause says what (a checksum, a damaged database, the
 * network), this says which backup and volume, so the result names the backup even for
 * {@code --backup latest}.
 */
public final class VerificationFailed extends Exception {
  private final String backupId;
  private final String volume;

  public VerificationFailed(String backupId, String volume, Throwable cause) {
    super(context(backupId, volume) + cause.getMessage(), cause);
    this.backupId = backupId;
    this.volume = volume;
  }

  public String backupId() {
    return backupId;
  }

  /** The volume (its claim) or "dump NAME" being read when it failed; null before the first. */
  public String volume() {
    return volume;
  }

  /** What the one-line cause is prefixed with: "backup ID, volume CLAIM: " or "backup ID, dump NAME: ". */
  public String context() {
    return context(backupId, volume);
  }

  private static String context(String backupId, String volume) {
    return "backup " + backupId + (volume == null ? "" : volume.startsWith("dump ") ? ", " + volume : ", volume " + volume)
        + ": ";
  }
}
