package dev.lifeboat.agent.archive;

import java.io.IOException;

/** An archive entry that would land outside the restore target, or is otherwise unsafe to write. */
public class UnsafeArchiveException extends IOException {
  private final String entry;

  public UnsafeArchiveException(String entry, String reason) {
    super("unsafe archive entry '" + entry + "': " + reason);
    this.entry = entry;
  }

  private UnsafeArchiveException(String entry, String message, UnsafeArchiveException cause) {
    super(message, cause);
    this.entry = entry;
  }

  /** The same refusal, its message prefixed with where the archive is stored ("KEY: unsafe archive entry …"). */
  public UnsafeArchiveException in(String archive) {
    return new UnsafeArchiveException(entry, archive + ": " + getMessage(), this);
  }

  /** The entry's name as it appears in the archive. */
  public String entry() {
    return entry;
  }
}
