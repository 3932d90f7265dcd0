package dev.lifeboat;

import dev.lifeboat.agent.AgentCommand;
import dev.lifeboat.operator.OperatorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one jar's entry point: {@code lifeboat operator} or {@code lifeboat agent ...}. */
@Command(name = "lifeboat", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Backs up PersistentVolumeClaims to S3-compatible storage and restores them.",
    subcommands = {OperatorCommand.class, AgentCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    LogSetup.configure(args);
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"lifeboat " + (version == null ? "development build" : version)};
    }
  }
}
