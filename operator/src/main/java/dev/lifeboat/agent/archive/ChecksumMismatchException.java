package dev.lifeboat.agent.archive;

import java.io.IOException;

/** A file whose content does not match the manifest, or that the manifest and the archive disagree on. */
public class ChecksumMismatchException extends IOException {
  private final String path;

  public ChecksumMismatchException(String path, String message) {
    super(message);
    this.path = path;
  }

  private ChecksumMismatchException(String path, String message, ChecksumMismatchException cause) {
    super(message, cause);
    this.path = path;
  }

  /** The same mismatch, its message prefixed with where the archive is stored ("KEY: checksum mismatch …"). */
  public ChecksumMismatchException in(String archive) {
    return new ChecksumMismatchException(path, archive + ": " + getMessage(), this);
  }

  /** The file's path relative to the volume root. */
  public String path() {
    return path;
  }
}
