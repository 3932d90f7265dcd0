package dev.lifeboat.agent.s3;

/**
 * The object asked for does not exist (S3 NoSuchKey). Apart from other failures because a reader
 * that expected it (an archive a manifest lists) knows the backup is damaged, not the network.
 */
public final class MissingObjectException extends RepositoryException {
  private static final long serialVersionUID = 1L;
  private final String key;

  MissingObjectException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
