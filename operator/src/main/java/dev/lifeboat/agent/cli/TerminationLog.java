package dev.lifeboat.agent.cli;

import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.DamagedBackup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the result JSON to the termination log, trimmed to the 4096 bytes Kubernetes keeps. */
final class TerminationLog {
  private TerminationLog() {}

  static String fit(AgentResult result) {
    AgentResult trimmed = result;
    String json = trimmed.toJson();
    while (json.getBytes(StandardCharsets.UTF_8).length > AgentResult.MAX_BYTES) {
      AgentResult.Retention r = trimmed.retention();
      if (r != null && r.prunedIds() != null && !r.prunedIds().isEmpty()) {
        List<String> ids = r.prunedIds().subList(0, r.prunedIds().size() / 2);
        trimmed = trimmed.withRetention(new AgentResult.Retention(r.kept(), r.pruned(), ids, r.oldest(), r.newest(),
            r.bytes(), r.error(), r.pinned(), r.damaged(), r.damagedCount(), r.leftovers()));
      } else if (r != null && r.damaged() != null && !r.damaged().isEmpty()) {
        // The newest damaged backups stay (the list is newest first); damagedCount keeps the number exact.
        List<DamagedBackup> kept = r.damaged().subList(0, r.damaged().size() / 2);
        trimmed = trimmed.withRetention(new AgentResult.Retention(r.kept(), r.pruned(), r.prunedIds(), r.oldest(),
            r.newest(), r.bytes(), r.error(), r.pinned(), kept.isEmpty() ? null : kept, r.damagedCount(), r.leftovers()));
      } else if (trimmed.dumps() != null && trimmed.dumps().size() > 1) {
        trimmed = trimmed.withDumps(trimmed.dumps().subList(0, trimmed.dumps().size() / 2)); // all are in the manifest
      } else {
        String message = trimmed.message();
        trimmed = trimmed.withMessage(message.substring(0, Math.max(0, message.length() - 256)) + "...");
      }
      json = trimmed.toJson();
    }
    return json;
  }

  static void write(Path file, AgentResult result) {
    if (file == null) {
      return;
    }
    try {
      Files.writeString(file, fit(result), StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("lifeboat agent: cannot write --termination-log " + file + ": " + e.getMessage());
    }
  }
}
