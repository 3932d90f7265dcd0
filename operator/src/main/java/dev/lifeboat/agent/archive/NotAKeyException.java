package dev.lifeboat.agent.archive;

/** A key file whose content is obviously not a key; the message says why, never what it holds. */
public final class NotAKeyException extends IllegalArgumentException {
  NotAKeyException(String reason) {
    super(reason);
  }
}
