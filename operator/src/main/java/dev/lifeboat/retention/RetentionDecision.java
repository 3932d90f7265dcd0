package dev.lifeboat.retention;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link RetentionSelector#select}: every input backup is in exactly one of the two
 * lists, and both lists are ordered newest first.
 *
 * @param kept the backups to keep, each with every reason that keeps it
 * @param prune the backups to delete
 */
public record RetentionDecision(List<Kept> kept, List<BackupRef> prune) {
  public RetentionDecision {
    kept = List.copyOf(kept);
    prune = List.copyOf(prune);
  }

  /**
   * A kept backup and why it is kept.
   *
   * @param backup the backup
   * @param reasons never empty, in {@link KeepReason} declaration order
   */
  public record Kept(BackupRef backup, List<KeepReason> reasons) {
    public Kept {
      Objects.requireNonNull(backup, "backup");
      reasons = List.copyOf(reasons);
      if (reasons.isEmpty()) {
        throw new IllegalArgumentException(
            "a kept backup needs at least one reason: " + backup.id());
      }
    }

    /** The reasons as status words, ready for {@code keptBy}: e.g. {@code [last, daily]}. */
    public List<String> labels() {
      return reasons.stream().map(KeepReason::label).toList();
    }
  }
}
