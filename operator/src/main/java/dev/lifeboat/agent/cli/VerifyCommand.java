package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.ops.RestoreOperation;
import dev.lifeboat.agent.s3.S3Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Download a backup and check every checksum without writing any file.")
public final class VerifyCommand implements Callable<Integer> {
  @Mixin
  RepositoryOptions repository;

  @Option(names = "--backup", defaultValue = "latest", paramLabel = "latest|ID")
  String backup;

  @Option(names = "--claim", paramLabel = "CLAIM", description = "Only this volume; default all.")
  String claim;

  @Mixin
  EncryptionKeyOption key;

  @Option(names = "--termination-log", paramLabel = "FILE")
  Path terminationLog;

  @Override
  public Integer call() {
    return AgentRun.execute("verify", backup, terminationLog, () -> {
      ArchiveEncryption encryption = key.load();
      try (S3Store store = repository.store(null, null)) {
        return new RestoreOperation(repository.open(store), Clock.systemUTC(), System.out).run(new RestoreOperation.Request(
            backup, null, claim, null, null, List.of(), encryption));
      }
    });
  }
}
