package dev.lifeboat.agent.ops;

import java.io.IOException;

/**
 * A dump command failed, or never ran: the message is "dump NAME exited N: TAIL" with the last lines of
 * its standard error, or says what the agent waited for in vain. Retryable (a database restarting is the
 * usual cause), except a program the image does not have or cannot run (exit 127 or 126, as a shell
 * reports them): running again in the same image cannot help.
 */
public final class DumpFailed extends IOException {
  /** A shell's exit statuses for "found but not executable" and "not found". */
  static final int CANNOT_EXECUTE = 126;
  static final int NOT_FOUND = 127;
  private final boolean permanent;

  DumpFailed(String message) {
    this(message, false);
  }

  DumpFailed(String message, boolean permanent) {
    super(message);
    this.permanent = permanent;
  }

  DumpFailed(String message, Throwable cause) {
    super(message, cause);
    this.permanent = false;
  }

  /** A dump whose command exited {@code status}: permanent when the program is missing or not executable. */
  static DumpFailed exited(String message, int status) {
    return new DumpFailed(message, status == CANNOT_EXECUTE || status == NOT_FOUND);
  }

  /** Whether running the Job again cannot help (the agent exits 4). */
  public boolean permanent() {
    return permanent;
  }
}
