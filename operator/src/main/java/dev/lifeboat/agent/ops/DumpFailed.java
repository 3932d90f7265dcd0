package dev.lifeboat.agent.ops;

import java.io.IOException;

/**
 * A dump command failed, or never ran: the message is "dump NAME exited N: TAIL" with the last lines of
 * its standard error, or says what the agent waited for in vain. Retryable (a database restarting is the
 * usual cause).
 */
public final class DumpFailed extends IOException {
  DumpFailed(String message) {
    super(message);
  }

  DumpFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
