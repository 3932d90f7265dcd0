package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec, as the kubelet streams it with the {@code v4.channel.k8s.io} protocol: every binary
 * frame starts with its channel, 0 stdin (from the client), 1 stdout, 2 stderr, 3 the outcome as a
 * Status ({@code Success}, or {@code Failure} with reason {@code NonZeroExitCode} and a cause
 * {@code ExitCode} whose message is the exit code; {@code InternalError} when the process could not
 * start); after the outcome the server closes with 1000. Stdin is passed on as it comes; the v4
 * protocol has no way to say it has ended, so it stays open until the stream closes (a command
 * reading to its end needs that). The client closing the stream first kills the process and what it
 * started: a runtime may leave an exec's process running when its client goes, the sandbox does not
 * (a command that must stop on its own should say so, e.g. with {@code timeout}).
 *
 * <p>Each exec is written to {@code <pod dir>/exec/<n>.log} (n from 1, per pod): the container, the
 * command, stdout and stderr as they came, and how it ended.
 */
final class PodExecSession extends WebSocketListener {
  private static final Logger LOG = LoggerFactory.getLogger(PodExecSession.class);
  private static final byte STDIN = 0;
  private static final byte STDOUT = 1;
  private static final byte STDERR = 2;
  private static final byte STATUS = 3;
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final String namespace;
  private final String pod;
  private final String container;
  private final List<String> command;
  private final boolean stdin;
  private final boolean stdout;
  private final boolean stderr;
  private final Path logDir;
  private final Set<PodExecSession> running;
  private final Preparation preparation;
  private volatile Process process;
  /** The outcome is sent (or being sent): a close from now on is the normal end. */
  private volatile boolean ended;
  /** The client went: a process not started yet is not started, one running is killed. */
  private volatile boolean gone;
  private OutputStream log;
  /** What the client sent on stdin, not yet written to the process. */
  private final java.util.concurrent.BlockingQueue<byte[]> input = new java.util.concurrent.LinkedBlockingQueue<>();

  /** Prepares the process (its environment is read through the API, so never on the server's own thread). */
  interface Preparation {
    ContainerLaunch.Launch prepare() throws IOException, ContainerLaunch.StartError;
  }

  PodExecSession(String namespace, String pod, String container, List<String> command, boolean stdin,
      boolean stdout, boolean stderr, Path logDir, Set<PodExecSession> running, Preparation preparation) {
    this.namespace = namespace;
    this.pod = pod;
    this.container = container;
    this.command = List.copyOf(command);
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.logDir = logDir;
    this.running = running;
    this.preparation = preparation;
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    // Called on the server's event loop, which must stay free: the exec runs on a thread of its own.
    daemon("exec-" + pod, () -> run(webSocket));
  }

  /** A thread of this exec's, which never keeps the JVM alive. */
  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void run(WebSocket webSocket) {
    ContainerLaunch.Launch launch;
    try {
      log = Files.newOutputStream(nextLog());
      logLine("# container " + container + " of pod " + namespace + "/" + pod);
      logLine("# command " + command.stream().map(PodExecSession::quoted).collect(Collectors.joining(" ")));
      launch = preparation.prepare();
      ProcessBuilder builder = launch.processBuilder()
          .redirectOutput(stdout ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD)
          .redirectError(stderr ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD);
      if (!stdin) {
        builder.redirectInput(new File("/dev/null"));
      }
      synchronized (this) {
        if (gone) {
          logLine("# the client closed the stream before the command started: not started");
          closeLog();
          return;
        }
        process = builder.start();
      }
    } catch (ContainerLaunch.StartError e) {
      // As a runtime: the stream is open, its outcome says why the process could not start.
      finish(webSocket, failure("InternalError", e.getMessage(), null), "# cannot start: " + e.getMessage());
      return;
    } catch (IOException | RuntimeException e) {
      String message = "cannot exec in container " + container + " of pod " + namespace + "/" + pod + ": " + e.getMessage();
      finish(webSocket, failure("InternalError", message, null), "# " + message);
      return;
    }
    running.add(this);
    if (stdin) {
      feed(process);
    }
    LOG.info("exec in pod {}/{} container {}{}", namespace, pod, container,
        launch.identity() == null ? "" : " as " + launch.identity());
    Thread out = stdout ? pump(process.getInputStream(), STDOUT, webSocket) : null;
    Thread err = stderr ? pump(process.getErrorStream(), STDERR, webSocket) : null;
    try {
      int exit = process.waitFor();
      if (out != null) {
        out.join();
      }
      if (err != null) {
        err.join();
      }
      finish(webSocket, exit == 0 ? success() : failure("NonZeroExitCode",
          "command terminated with non-zero exit code: error executing command " + command + ", exit code " + exit,
          exit), "# exit code " + exit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill("the sandbox is closing");
    } finally {
      running.remove(this);
    }
  }

  /** Copies one of the process's outputs into frames of its channel, and into the log. */
  private Thread pump(InputStream from, byte channel, WebSocket webSocket) {
    return daemon("exec-" + pod + "-" + (channel == STDOUT ? "stdout" : "stderr"), () -> {
      byte[] buffer = new byte[8192];
      try (from) {
        for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
          byte[] frame = new byte[n + 1];
          frame[0] = channel;
          System.arraycopy(buffer, 0, frame, 1, n);
          webSocket.send(frame);
          logBytes(Arrays.copyOfRange(buffer, 0, n));
        }
      } catch (IOException e) {
        // the process was killed, its pipe closed
      }
    });
  }

  @Override
  public void onMessage(WebSocket webSocket, byte[] bytes) {
    if (stdin && bytes.length > 1 && bytes[0] == STDIN) {
      // Queued, not written here: the server's thread must not wait on a command that does not read.
      input.add(Arrays.copyOfRange(bytes, 1, bytes.length));
    }
    // resize (4) and anything else: no terminal here
  }

  /** Feeds the client's stdin to the process as it comes, until the process ends or stops reading. */
  private void feed(Process started) {
    daemon("exec-" + pod + "-stdin", () -> {
      try (OutputStream to = started.getOutputStream()) {
        while (started.isAlive()) {
          byte[] bytes = input.poll(1, java.util.concurrent.TimeUnit.SECONDS);
          if (bytes != null) {
            to.write(bytes);
            to.flush();
          }
        }
      } catch (IOException e) {
        // the command closed its stdin or ended: what it did not read is dropped, as on a node
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    clientWent();
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    clientWent();
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable t, Response response) {
    clientWent();
  }

  /** The stream closed before the process ended: it is killed, with what it started. */
  private void clientWent() {
    synchronized (this) {
      gone = true;
    }
    Process current = process;
    if (!ended && current != null && current.isAlive()) {
      kill("the client closed the stream");
    }
  }

  /** Whether this exec runs in pod {@code namespace/name}. */
  boolean isIn(String namespace, String name) {
    return this.namespace.equals(namespace) && this.pod.equals(name);
  }

  /** Kills the process and what it started, saying why in the exec's log. */
  void kill(String why) {
    Process current = process;
    if (current != null && current.isAlive()) {
      logLine("# killed: " + why);
      ContainerLaunch.Launch.stop(current);
    }
  }

  /** Sends the outcome, closes the stream, ends the log. */
  private void finish(WebSocket webSocket, Status status, String logged) {
    ended = true;
    logLine(logged);
    webSocket.send(frame(STATUS, JSON.asJson(status)));
    webSocket.close(1000, "");
    closeLog();
  }

  private synchronized void closeLog() {
    try {
      if (log != null) {
        log.close();
      }
    } catch (IOException e) {
      LOG.debug("cannot close the log of an exec in {}/{}: {}", namespace, pod, e.toString());
    }
    log = null;
  }

  private static Status success() {
    return new StatusBuilder().withStatus("Success").build();
  }

  private static Status failure(String reason, String message, Integer exitCode) {
    StatusBuilder status = new StatusBuilder().withStatus("Failure").withReason(reason).withMessage(message);
    if (exitCode != null) {
      status.withNewDetails().addNewCause().withReason("ExitCode").withMessage(String.valueOf(exitCode)).endCause()
          .endDetails();
    }
    return status.build();
  }

  private static byte[] frame(byte channel, String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[data.length + 1];
    frame[0] = channel;
    System.arraycopy(data, 0, frame, 1, data.length);
    return frame;
  }

  /** The exec's own log file, the next number in the pod's exec folder. */
  private Path nextLog() throws IOException {
    Files.createDirectories(logDir);
    for (int n = 1; ; n++) {
      try {
        return Files.createFile(logDir.resolve(n + ".log"));
      } catch (FileAlreadyExistsException e) {
        // taken by an earlier exec
      }
    }
  }

  private void logLine(String line) {
    logBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private synchronized void logBytes(byte[] bytes) {
    if (log == null) {
      return;
    }
    try {
      log.write(bytes);
      log.flush();
    } catch (IOException e) {
      LOG.debug("cannot write the log of an exec in {}/{}: {}", namespace, pod, e.toString());
    }
  }

  private static String quoted(String word) {
    return word.matches("[-A-Za-z0-9_./=:,@%+]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }
}
