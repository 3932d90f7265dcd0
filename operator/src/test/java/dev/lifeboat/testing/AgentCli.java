package dev.lifeboat.testing;

import dev.lifeboat.agent.AgentCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs {@code lifeboat agent ...} in-process against an S3ProxyServer, exactly as typed on a
 * command line, capturing exit code, stdout and stderr.
 */
public final class AgentCli {
  private final S3ProxyServer s3;
  private final String prefix;
  private final String endpoint;

  public record Run(int exitCode, String stdout, String stderr) {}

  public AgentCli(S3ProxyServer s3, String prefix) {
    this(s3, prefix, null);
  }

  private AgentCli(S3ProxyServer s3, String prefix, String endpoint) {
    this.s3 = s3;
    this.prefix = prefix;
    this.endpoint = endpoint;
  }

  /** The same repository reached through another endpoint, e.g. a {@link FaultProxy} in front of the server. */
  public AgentCli through(String endpoint) {
    return new AgentCli(s3, prefix, endpoint);
  }

  /** The repository options of this server: --repository, --endpoint, --path-style, --namespace, --policy. */
  public List<String> repository() {
    return List.of("--repository", s3.repository(prefix), "--endpoint", endpoint != null ? endpoint : s3.endpoint(), "--region", S3ProxyServer.REGION,
        "--path-style", "--namespace", "rose", "--policy", "rose-memory");
  }

  /** {@code agent <command> <repository options> <args>} with the server's credentials. */
  public Run run(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(repository());
    all.addAll(List.of(args));
    return raw(all.toArray(String[]::new));
  }

  /** {@code agent <args>} as given, with the server's credentials. */
  public Run raw(String... args) {
    return raw(s3::useAsDefaultCredentials, args);
  }

  /** {@code agent <command> <repository options>} with another secret key, as a misconfigured Secret would give. */
  public Run withSecretKey(String secretKey, String command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(repository());
    return raw(() -> {
      System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
      System.setProperty("aws.secretAccessKey", secretKey);
      return () -> {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
      };
    }, all.toArray(String[]::new));
  }

  private interface Credentials {
    AutoCloseable install() throws Exception;
  }

  private synchronized Run raw(Credentials credentialsSource, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try (AutoCloseable credentials = credentialsSource.install()) {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new AgentCommand()).execute(args);
      return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
