package dev.lifeboat.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code kubectl} on the PATH, run against a sandbox through its kubeconfig. */
final class Kubectl {
  /** {@code output}: standard output and error together, as a terminal shows them. */
  record Result(int exitCode, String output) {}

  private static final String KUBECTL = HostSupport.executable("kubectl");

  private final Path kubeconfig;
  private final Path cache;

  /** {@code cache}: kubectl's discovery cache, this sandbox's alone (a new cluster each time). */
  Kubectl(Path kubeconfig, Path cache) {
    this.kubeconfig = kubeconfig;
    this.cache = cache;
  }

  /** Whether a kubectl is on the PATH (end-to-end tests skip without one). */
  static boolean installed() {
    return KUBECTL != null;
  }

  Result run(String... args) throws IOException, InterruptedException {
    Process process = builder(args).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl " + args[0] + " did not end");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  /** A kubectl that keeps running ({@code get -w}), printing into {@code output} as it goes. */
  Process start(Path output, String... args) throws IOException {
    Process process = builder(args).redirectOutput(output.toFile()).start();
    process.getOutputStream().close();
    return process;
  }

  private ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>(List.of(KUBECTL, "--cache-dir", cache.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    return builder;
  }
}
