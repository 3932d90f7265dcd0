package dev.lifeboat.agent.archive;

import java.io.IOException;

/** An archive entry that would land outside the restore target, or is otherwise unsafe to write. */
public class UnsafeArchiveException extends IOException {
  private final String entry;

  public UnsafeArchiveException(String entry, String reason) {
    super("unsafe archive entry '" + entry + "': " + reason);
    this.entry = entry;
  }

  /** The entry's name as it appears in the archive. */
  public String entry() {
    return entry;
  }
}
