package dev.lifeboat.sandbox;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's {@code postgresql} package) in a directory of its own, for the
 * tests of the dump story: {@code initdb}, then {@code pg_ctl start} on a free TCP port with
 * password authentication, as a managed database or a Service would be reached, by URL.
 *
 * <p>PostgreSQL refuses to run as root, and a database in a real cluster never runs as the
 * backup Job's user either: as root this runs the server as the {@code postgres} system user (or
 * {@code nobody}) through {@code setpriv}, so the dump container (the Job's uid) reaches it only
 * over the network, with the password from a Secret. Skipped, saying why, where the server
 * binaries are missing.
 */
final class LocalPostgres implements AutoCloseable {
  static final String USER = "lifeboat";
  private static final Path DEBIAN_SERVERS = Path.of("/usr/lib/postgresql");

  private final Path dir;
  private final Path bin;
  private final List<String> asServerUser;
  private final int port;
  private final String password;

  private LocalPostgres(Path dir, Path bin, List<String> asServerUser, int port, String password) {
    this.dir = dir;
    this.bin = bin;
    this.asServerUser = asServerUser;
    this.port = port;
    this.password = password;
  }

  /** A running server with database {@code postgres} owned by {@link #USER}; skipped where none can run. */
  static LocalPostgres start(String password) throws Exception {
    Optional<Path> bin = serverBinaries();
    assumeTrue(bin.isPresent(), "PostgreSQL's server binaries (Debian package postgresql) are not installed under "
        + DEBIAN_SERVERS);
    List<String> asServerUser = List.of();
    Path dir = Files.createTempDirectory("lifeboat-postgres-");
    if (isRoot()) {
      String user = run(List.of("id", "-u", "postgres"), Map.of()).exit == 0 ? "postgres" : "nobody";
      asServerUser = List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--");
      Files.setAttribute(dir, "unix:mode", 0755); // the server user must reach its data directory
      run(List.of("chown", user, dir.toString()), Map.of()).orFail("chown " + dir);
    }
    Path passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, password);
    if (isRoot()) {
      run(List.of("chown", ownerOf(dir), passwordFile.toString()), Map.of()).orFail("chown " + passwordFile);
    }
    int port = freePort();
    LocalPostgres server = new LocalPostgres(dir, bin.get(), asServerUser, port, password);
    server.asServer("initdb", "--pgdata=" + dir.resolve("data"), "--username=" + USER, "--auth=scram-sha-256",
        "--pwfile=" + passwordFile, "--encoding=UTF8", "--no-sync").orFail("initdb");
    server.asServer("pg_ctl", "start", "--wait", "--pgdata=" + dir.resolve("data"), "--log=" + dir.resolve("server.log"),
        "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir).orFail("pg_ctl start (see server.log)");
    return server;
  }

  /** The URL a client gives {@code --dbname}, password included: what the app's Secret holds. */
  String url() {
    return "postgresql://" + USER + ":" + password + "@127.0.0.1:" + port + "/postgres";
  }

  /** Runs {@code sql} with psql as {@link #USER}; its unaligned, tuples-only output. */
  String psql(String sql) throws Exception {
    Result result = run(List.of(bin.resolve("psql").toString(), "--no-psqlrc", "--tuples-only", "--no-align",
        "--set=ON_ERROR_STOP=1", "--dbname=" + url(), "--command=" + sql), Map.of());
    return result.orFail("psql " + sql).trim();
  }

  /** The server's bin directory, for a container's PATH. */
  Path bin() {
    return bin;
  }

  @Override
  public void close() throws Exception {
    try {
      asServer("pg_ctl", "stop", "--wait", "--mode=fast", "--pgdata=" + dir.resolve("data"));
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private Result asServer(String program, String... args) throws Exception {
    List<String> command = new ArrayList<>(asServerUser);
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    return run(command, Map.of());
  }

  /** The newest server version Debian installed, e.g. /usr/lib/postgresql/15/bin. */
  private static Optional<Path> serverBinaries() throws IOException {
    if (!Files.isDirectory(DEBIAN_SERVERS)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(DEBIAN_SERVERS)) {
      return versions.map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
          .max(Comparator.comparing(bin -> Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D", "0"))));
    }
  }

  private static boolean isRoot() throws Exception {
    return "0".equals(run(List.of("id", "-u"), Map.of()).output.trim());
  }

  private static String ownerOf(Path path) throws IOException {
    return Files.getOwner(path).getName();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private record Result(int exit, String output) {
    String orFail(String what) {
      if (exit != 0) {
        throw new IllegalStateException(what + " exited " + exit + ": " + output);
      }
      return output;
    }
  }
}
