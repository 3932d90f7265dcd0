package dev.lifeboat.agent.ops;

/**
 * A Replace restore failed before its swap, or its swap was undone: the cause says what went wrong,
 * this tells the user the app's data is still there, and on a full disk how much room staging needs.
 */
public final class TargetUnchanged extends Exception {
  private final long stagingBytes;

  public TargetUnchanged(Throwable cause, long stagingBytes) {
    super(cause.getMessage(), cause);
    this.stagingBytes = stagingBytes;
  }

  /** What follows the one-line cause. */
  public String note() {
    boolean full = getCause().getMessage() != null && getCause().getMessage().contains("No space left on device");
    return "; the target is unchanged" + (full ? " (a Replace restore stages the backup beside the current contents: about "
        + Sizes.human(stagingBytes) + " must be free)" : "");
  }
}
