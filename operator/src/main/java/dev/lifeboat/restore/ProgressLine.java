package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.RestoreProgress;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the agent's progress lines ({@code restore CLAIM: DONE / TOTAL bytes (P%)}, printed every
 * few seconds) from the tail of the restore pod's log: the newest line is the progress.
 */
public final class ProgressLine {
  private static final Pattern LINE = Pattern.compile("^restore \\S+: (\\d+) / (\\d+) bytes \\((\\d+)%\\)$");

  private ProgressLine() {}

  public static Optional<RestoreProgress> newest(String log) {
    if (log == null) {
      return Optional.empty();
    }
    String[] lines = log.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      Matcher m = LINE.matcher(lines[i].strip());
      if (m.matches()) {
        RestoreProgress progress = new RestoreProgress();
        progress.bytesDone = Long.parseLong(m.group(1));
        progress.bytesTotal = Long.parseLong(m.group(2));
        progress.percent = Integer.parseInt(m.group(3));
        return Optional.of(progress);
      }
    }
    return Optional.empty();
  }
}
