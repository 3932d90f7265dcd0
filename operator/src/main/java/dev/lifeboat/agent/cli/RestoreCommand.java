package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.archive.RestoreMode;
import dev.lifeboat.agent.ops.BackupOperation;
import dev.lifeboat.agent.ops.RestoreOperation;
import dev.lifeboat.agent.s3.S3Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Restore one volume of a backup into a directory, or one dump into a command, checking every checksum.")
public final class RestoreCommand implements Callable<Integer> {
  @Mixin
  RepositoryOptions repository;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  static final class Which {
    @Option(names = "--backup", paramLabel = "latest|ID", description = "latest or a backup id.")
    String backup;

    @Option(names = "--before", paramLabel = "TIME", description = "The newest backup at or before this RFC 3339 time.")
    Instant before;
  }

  @Option(names = "--claim", paramLabel = "CLAIM", description = "Which volume, when the backup holds several.")
  String claim;

  @Option(names = "--target", paramLabel = "DIR", description = "Directory to restore into; created when it does not exist.")
  Path target;

  @Option(names = "--dump", paramLabel = "NAME", description = "Restore this dump instead of a volume (with --to-command).")
  String dump;

  @Option(names = "--to-command", paramLabel = "DIR",
      description = "The target command's directory: the command reads the FIFO DIR/out as its standard input"
          + " (docs/agent.md, \"Dumps\").")
  Path toCommand;

  /** How long the target command may take to open its input; shortened by tests. */
  @Option(names = "--command-start-timeout", defaultValue = "600", hidden = true, paramLabel = "SECONDS")
  double commandStartTimeout;

  @Option(names = "--command-timeout", defaultValue = "3600", paramLabel = "SECONDS",
      description = "How long the target command may run on once its input ended (default 3600).")
  double commandTimeout;

  @Option(names = "--mode", defaultValue = "Replace", paramLabel = "Replace|Merge",
      description = "Replace makes the target exactly the backup, swapped in once every checksum matched; Merge overlays.")
  RestoreMode mode;

  @Option(names = "--path", paramLabel = "P", description = "Restore only this path (repeatable).")
  List<String> paths = new ArrayList<>();

  @Option(names = "--pin-ttl", paramLabel = "DURATION",
      description = "Pin the backup against retention while it is restored; the pin expires after this long should the"
          + " run be killed (e.g. the Job's deadline). Default: no pin.")
  String pinTtl;

  @Mixin
  EncryptionKeyOption key;

  @Option(names = "--termination-log", paramLabel = "FILE")
  Path terminationLog;

  @Override
  public Integer call() {
    return AgentRun.execute("restore", which.backup, terminationLog, () -> {
      if (dump != null || toCommand != null) {
        if (dump == null || toCommand == null) {
          throw new IllegalArgumentException("--dump NAME and --to-command DIR go together");
        }
        if (target != null || claim != null || !paths.isEmpty()) {
          throw new IllegalArgumentException("--dump restores into a command: --target, --claim and --path do not apply");
        }
      } else if (target == null) {
        throw new IllegalArgumentException("--target DIR is required (or --dump NAME --to-command DIR)");
      }
      ArchiveEncryption encryption = key.load();
      Duration pin = pinTtl == null ? null : PinOption.ttl("--pin-ttl", pinTtl);
      if (dump != null) {
        try (S3Store store = repository.store(null, null)) {
          return new RestoreOperation(repository.open(store), AgentClock.get(), System.out).runDump(
              new RestoreOperation.DumpRequest(which.backup, which.before, dump, toCommand, encryption, pin,
                  new BackupOperation.DumpWaits(Seconds.of(commandStartTimeout), Seconds.of(commandTimeout))));
        }
      }
      try (S3Store store = repository.store(null, null)) {
        return new RestoreOperation(repository.open(store), AgentClock.get(), System.out).run(new RestoreOperation.Request(
            which.backup, which.before, claim, target, mode, paths, encryption, pin));
      }
    });
  }
}
