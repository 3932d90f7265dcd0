package dev.lifeboat.agent.repo;

/**
 * A manifest.json that exists but cannot be used: not JSON, a format version this agent does not
 * know, or a required field missing. The message names the object, so a person can find it in the
 * bucket; the backup it belongs to is damaged, never merely absent.
 */
public final class DamagedManifestException extends IllegalStateException {
  private final String backupId;

  public DamagedManifestException(String backupId, String message, Throwable cause) {
    super(message, cause);
    this.backupId = backupId;
  }

  public String backupId() {
    return backupId;
  }
}
