package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.ops.VerifyOperation;
import dev.lifeboat.agent.s3.S3Store;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Download a backup and check every checksum; with --restore-to, restore it there and check every",
        "SQLite database (a restore drill). The backup is pinned against retention while it is read."})
public final class VerifyCommand implements Callable<Integer> {
  @Mixin
  RepositoryOptions repository;

  @Option(names = "--backup", defaultValue = "latest", paramLabel = "latest|ID")
  String backup;

  @Option(names = "--claim", paramLabel = "CLAIM", description = "Only this volume; default all.")
  String claim;

  @Option(names = "--restore-to", paramLabel = "DIR",
      description = "Restore each volume into DIR/<claim> (an existing scratch directory) and run PRAGMA integrity_check"
          + " on every SQLite database restored; without it nothing is written.")
  Path restoreTo;

  @Option(names = "--pin-ttl", defaultValue = "6h", paramLabel = "DURATION",
      description = "The pin that holds the backup against retention while it is read expires after this long, should"
          + " the run be killed (default 6h; pass the Job's deadline).")
  String pinTtl;

  @Option(names = "--no-pin", description = "Read without pinning (e.g. with read-only credentials).")
  boolean noPin;

  @Mixin
  EncryptionKeyOption key;

  @Option(names = "--termination-log", paramLabel = "FILE")
  Path terminationLog;

  @Override
  public Integer call() {
    // The id of a failure found after the backup was chosen is the chosen one's (VerificationFailed), never "latest".
    return AgentRun.execute("verify", "latest".equals(backup) ? null : backup, terminationLog, () -> {
      ArchiveEncryption encryption = key.load();
      VerifyOperation.Request request = new VerifyOperation.Request(backup, claim, restoreTo, encryption,
          noPin ? null : PinOption.ttl("--pin-ttl", pinTtl));
      try (S3Store store = repository.store(null, null)) {
        return new VerifyOperation(repository.open(store), AgentClock.get(), System.out).run(request);
      }
    });
  }
}
