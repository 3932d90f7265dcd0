package dev.lifeboat.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lifeboat agent ...}: the data path that runs inside backup and restore Jobs (SPEC §3).
 * Its subcommands are documented in docs/agent.md.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {"Back up, restore, verify, list and prune backups in an S3 repository.",
        "Runs inside Lifeboat's Jobs, and by hand during a disaster."})
public final class AgentCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "lifeboat agent: the data path (backup|restore|verify|list|prune) is not part of this build yet");
  }
}
