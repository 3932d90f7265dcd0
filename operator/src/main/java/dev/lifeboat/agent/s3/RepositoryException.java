package dev.lifeboat.agent.s3;

/**
 * A one-line, user-facing S3 failure naming its cause. The CLI prints {@link #getMessage()} and
 * exits non-zero; messages never contain credentials.
 */
public class RepositoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RepositoryException(String message) {
    super(message);
  }

  public RepositoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
