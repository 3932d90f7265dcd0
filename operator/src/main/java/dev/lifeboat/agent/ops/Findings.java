package dev.lifeboat.agent.ops;

import dev.lifeboat.common.AgentResult;
import java.util.List;

/** Words for what a backup noticed (warnings) or left out (omissions), as the result and status carry them. */
final class Findings {
  private Findings() {}

  /** "3 warning(s): a: changed while reading; b: …; and 1 more". */
  static String summary(List<String> lines, String what) {
    List<String> first = lines.subList(0, Math.min(3, lines.size()));
    return lines.size() + " " + what + ": " + String.join("; ", first)
        + (lines.size() > first.size() ? "; and " + (lines.size() - first.size()) + " more" : "");
  }

  /** The first few lines, for the termination message; null when there are none. */
  static List<String> first(List<String> lines) {
    return lines.isEmpty() ? null : List.copyOf(lines.subList(0, Math.min(AgentResult.MAX_LINES, lines.size())));
  }
}
