package dev.lifeboat.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** {@code lifeboat-sandbox ARGS} as typed, in this JVM: its exit code and what it printed. */
final class SandboxCli {
  /** {@code output}: standard output and error together, as a terminal shows them. */
  record Result(int exitCode, String output) {}

  private SandboxCli() {}

  static synchronized Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
      System.setOut(both);
      System.setErr(both);
      int code = new CommandLine(new SandboxMain()).execute(args);
      return new Result(code, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
