package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.archive.RestoreMode;
import dev.lifeboat.agent.ops.RestoreOperation;
import dev.lifeboat.agent.s3.S3Store;
import java.nio.file.Path;
import java.time.Clock;
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
    description = "Restore one volume of a backup into a directory, checking every checksum.")
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

  @Option(names = "--target", required = true, paramLabel = "DIR", description = "Directory to restore into; created when it does not exist.")
  Path target;

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
      ArchiveEncryption encryption = key.load();
      Duration pin = pinTtl == null ? null : PinOption.ttl("--pin-ttl", pinTtl);
      try (S3Store store = repository.store(null, null)) {
        return new RestoreOperation(repository.open(store), Clock.systemUTC(), System.out).run(new RestoreOperation.Request(
            which.backup, which.before, claim, target, mode, paths, encryption, pin));
      }
    });
  }
}
