package dev.lifeboat.agent.repo;

/**
 * An object a backup's manifest relies on (its file list, its archive) is missing or does not match
 * the manifest. The message names the object; running again cannot mend it.
 */
public final class DamagedObjectException extends IllegalStateException {
  public DamagedObjectException(String message) {
    super(message);
  }

  public DamagedObjectException(String message, Throwable cause) {
    super(message, cause);
  }
}
