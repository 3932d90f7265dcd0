package dev.lifeboat.agent.ops;

import dev.lifeboat.common.DamagedBackup;
import dev.lifeboat.common.AgentResult;
import java.util.List;

/** Words for damaged backups in a result's message: named, so someone looks at them. */
public final class Damage {
  private Damage() {}

  /** "; 1 damaged backup(s) kept, not counted by retention: …/manifest.json …", or "" when none. */
  public static String summary(List<DamagedBackup> damaged) {
    if (damaged.isEmpty()) {
      return "";
    }
    return "; " + damaged.size() + " damaged backup(s) kept, not counted by retention: " + damaged.get(0).problem()
        + (damaged.size() > 1 ? "; and " + (damaged.size() - 1) + " more (see agent list)" : "");
  }

  /** "; 1 leftover(s) of interrupted runs deleted (no manifest.json, older than a day): ID", or "" when none. */
  public static String leftovers(AgentResult.Retention retention) {
    if (retention == null || retention.leftovers() == null || retention.leftovers().isEmpty()) {
      return "";
    }
    return "; " + retention.leftovers().size() + " leftover(s) of interrupted runs deleted (no manifest.json, older"
        + " than a day): " + String.join(", ", retention.leftovers());
  }
}
