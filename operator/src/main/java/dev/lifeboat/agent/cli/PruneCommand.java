package dev.lifeboat.agent.cli;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.agent.ops.Damage;
import dev.lifeboat.agent.ops.RetentionOperation;
import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.s3.S3Store;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.retention.RetentionRules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Apply retention to the policy's backups (GFS, restic semantics).")
public final class PruneCommand implements Callable<Integer> {
  @Mixin
  RepositoryOptions repository;

  @Option(names = "--retention", required = true, paramLabel = "keepLast=7,keepDaily=7,...")
  String retention;

  @Option(names = "--pin", paramLabel = "ID")
  List<String> pins = new ArrayList<>();

  @Option(names = "--dry-run", description = "Show what would be pruned; delete nothing.")
  boolean dryRun;

  @Option(names = "--termination-log", paramLabel = "FILE")
  Path terminationLog;

  @Override
  public Integer call() {
    return AgentRun.execute("prune", null, terminationLog, () -> {
      RetentionRules rules = RetentionRules.parse(retention, pins);
      try (S3Store store = repository.store(null, null)) {
        BackupRepository backups = repository.open(store);
        BackupRepository.Listing listing = backups.scan();
        AgentResult.Retention outcome = new RetentionOperation(backups, AgentClock.get())
            .apply(rules, dryRun, listing.complete(), listing.damaged());
        String message = (dryRun ? "would prune " : "pruned ") + outcome.pruned() + " backup(s) " + outcome.prunedIds()
            + ", keeping " + outcome.kept() + Damage.summary(listing.damaged()) + Damage.leftovers(outcome);
        return new AgentResult(AgentResult.CURRENT_VERSION, "prune", null, BackupPhase.Succeeded, null, null, null, null,
            null, null, null, message, outcome);
      }
    });
  }
}
