package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.ops.TargetUnchanged;
import dev.lifeboat.agent.ops.VerificationFailed;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Times;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Runs one agent command: result to the termination log, a summary to stdout, one line to stderr on failure. */
final class AgentRun {
  interface Body {
    AgentResult run() throws Exception;
  }

  private AgentRun() {}

  static int execute(String command, String backupId, Path terminationLog, Body body) {
    String start = Times.rfc3339(AgentClock.get().instant());
    try {
      AgentResult result = body.run();
      TerminationLog.write(terminationLog, result);
      if (result.phase() == BackupPhase.PartiallyFailed) {
        System.err.println("lifeboat agent " + command + ": " + result.message());
        return AgentResult.EXIT_PARTIAL;
      }
      if (result.phase() == BackupPhase.Failed) {
        System.err.println("lifeboat agent " + command + ": " + result.message());
        return 1;
      }
      System.out.println(result.message());
      return 0;
    } catch (Exception | OutOfMemoryError e) {
      // A verification names the backup it chose (not "latest"), and the volume, before the cause.
      String id = e instanceof VerificationFailed f ? f.backupId() : backupId;
      String message = e instanceof VerificationFailed f ? f.context() + Failures.describe(f.getCause())
          : e instanceof TargetUnchanged t ? Failures.describe(t.getCause()) + t.note()
          : Failures.describe(e);
      TerminationLog.write(terminationLog, new AgentResult(AgentResult.CURRENT_VERSION, command, id,
          BackupPhase.Failed, start, Times.rfc3339(AgentClock.get().instant()), null, null, null, null, null, message,
          null));
      System.err.println("lifeboat agent " + command + ": " + message);
      return Failures.permanent(e) ? AgentResult.EXIT_PERMANENT : 1;
    }
  }

  static Callable<Integer> callable(String command, String backupId, Path terminationLog, Body body) {
    return () -> execute(command, backupId, terminationLog, body);
  }
}
