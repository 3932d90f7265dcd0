package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.archive.Codec;
import dev.lifeboat.agent.ops.BackupOperation;
import dev.lifeboat.agent.ops.DumpSource;
import dev.lifeboat.agent.ops.VolumeSource;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.s3.S3Store;
import dev.lifeboat.retention.RetentionRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Back up volumes (directories) and dumps (commands' output) into the repository, then apply retention.")
public final class BackupCommand implements Callable<Integer> {
  @Mixin
  RepositoryOptions repository;

  @Option(names = "--volume", paramLabel = "CLAIM=DIR", description = "A volume to back up (repeatable).")
  List<String> volumes = new ArrayList<>();

  @Option(names = "--dump", paramLabel = "NAME=DIR[,timeout=S]",
      description = "A dump to back up: the output a dump container writes into the FIFO DIR/out (repeatable;"
          + " docs/agent.md). At least one --volume or --dump.")
  List<String> dumps = new ArrayList<>();

  /** How long a dump container may take to open its FIFO; shortened by tests. */
  @Option(names = "--dump-start-timeout", defaultValue = "600", hidden = true, paramLabel = "SECONDS")
  double dumpStartTimeout;

  /** How long after its output ended a dump's exit status may take to appear. */
  @Option(names = "--dump-exit-timeout", defaultValue = "60", hidden = true, paramLabel = "SECONDS")
  double dumpExitTimeout;

  @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out matching paths, relative to each volume root.")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--compression", defaultValue = "zstd", paramLabel = "zstd|gzip|none")
  Codec compression;

  @Option(names = "--sse", paramLabel = "AES256|aws:kms", description = "Server-side encryption.")
  String sse;

  @Option(names = "--kms-key-id", paramLabel = "ID")
  String kmsKeyId;

  @Mixin
  EncryptionKeyOption key;

  @Option(names = "--retention", paramLabel = "keepLast=7,keepDaily=7,...", description = "Apply retention after the backup.")
  String retention;

  @Option(names = "--pin", paramLabel = "ID", description = "A backup id retention must keep (repeatable).")
  List<String> pins = new ArrayList<>();

  @Option(names = "--min-size", defaultValue = "51200", paramLabel = "BYTES",
      description = "Mark the backup suspicious below this size (and then prune nothing older).")
  long minSize;

  @Option(names = "--backup-id", paramLabel = "ID", description = "Backup id (UTC start time); default now.")
  String backupId;

  @Option(names = "--kind", defaultValue = Manifest.KIND_SCHEDULED, hidden = true)
  String kind;

  @Option(names = "--termination-log", paramLabel = "FILE", description = "Write the result JSON here.")
  Path terminationLog;

  /** How SQLite databases found in a volume are archived. */
  enum SqliteMode { online, off }

  @Option(names = "--sqlite", defaultValue = "online", paramLabel = "online|off",
      description = "online: copy each SQLite database consistently with SQLite's backup API (default); off: as plain bytes.")
  SqliteMode sqlite;

  @Option(names = "--scratch-dir", defaultValue = "${sys:java.io.tmpdir}", paramLabel = "DIR",
      description = "Where a SQLite database is copied before it is archived, one at a time (default: the JVM temp dir).")
  Path scratchDir;

  @Option(names = "--max-layers", defaultValue = "30", paramLabel = "N",
      description = "Build on the previous backup: store only the files that changed, as a layer over its archives,"
          + " and a full archive at the latest every N backups (default 30; 1: a full archive every time).")
  int maxLayers;

  @Override
  public Integer call() {
    return AgentRun.execute("backup", backupId, terminationLog, () -> {
      List<VolumeSource> sources = volumes.stream().map(VolumeSource::parse).toList();
      List<DumpSource> dumpSources = dumps.stream().map(DumpSource::parse).toList();
      if (sources.isEmpty() && dumpSources.isEmpty()) {
        throw new IllegalArgumentException("nothing to back up: give at least one --volume CLAIM=DIR or --dump NAME=DIR");
      }
      RetentionRules rules = retention == null ? null : RetentionRules.parse(retention, pins);
      if (sqlite == SqliteMode.online && !Files.isDirectory(scratchDir)) {
        throw new IllegalArgumentException("--scratch-dir: " + scratchDir + " is not a directory");
      }
      ArchiveEncryption encryption = key.loadForNewArchives();
      try (S3Store store = repository.store(sse, kmsKeyId)) {
        return new BackupOperation(repository.open(store), AgentClock.get()).run(new BackupOperation.Request(
            sources, dumpSources, excludes, compression, encryption, rules, minSize, backupId, kind,
            sqlite == SqliteMode.online ? scratchDir : null,
            new BackupOperation.DumpWaits(Seconds.of(dumpStartTimeout), Seconds.of(dumpExitTimeout)), maxLayers));
      }
    });
  }
}
