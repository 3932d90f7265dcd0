package dev.lifeboat.agent;

import dev.lifeboat.agent.cli.BackupCommand;
import dev.lifeboat.agent.cli.ListCommand;
import dev.lifeboat.agent.cli.PruneCommand;
import dev.lifeboat.agent.cli.RestoreCommand;
import dev.lifeboat.agent.cli.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lifeboat agent ...}: the data path that runs inside backup and restore Jobs (docs/agent.md),
 * and what a person runs by hand during a disaster. Documented in docs/agent.md.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {"Back up, restore, verify, list and prune backups in an S3 repository.",
        "Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION (or the AWS SDK's default chain)."},
    subcommands = {BackupCommand.class, RestoreCommand.class, VerifyCommand.class, ListCommand.class, PruneCommand.class})
public final class AgentCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "lifeboat agent: name a command: backup, restore, verify, list or prune");
  }
}
