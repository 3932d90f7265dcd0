package dev.lifeboat.sandbox;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lifeboat-sandbox demo|run}: Lifeboat with no cluster (sandbox/README.md). */
@Command(name = "lifeboat-sandbox", mixinStandardHelpOptions = true,
    description = {"Lifeboat on a local stand-in for a cluster: API server, S3 server, the real operator,",
        "and a job runner that runs the agent's Jobs as local processes."},
    subcommands = {DemoCommand.class, RunCommand.class, CommandLine.HelpCommand.class})
public final class SandboxMain implements Runnable {
  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-sandbox.xml");
    }
    // The mock API server logs every request through java.util.logging; the story is the output here.
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.setLevel(java.util.logging.Level.WARNING);
    for (var handler : root.getHandlers()) {
      handler.setLevel(java.util.logging.Level.WARNING);
    }
    int exit = new CommandLine(new SandboxMain()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      System.err.println("lifeboat-sandbox: " + e.getMessage());
      return 1;
    }).execute(args);
    System.exit(exit);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
