package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.s3.S3Location;
import dev.lifeboat.agent.s3.S3Options;
import dev.lifeboat.agent.s3.S3Store;
import picocli.CommandLine.Option;

/** Options every agent command shares: where the repository is and whose backups. */
public final class RepositoryOptions {
  @Option(names = "--repository", required = true, paramLabel = "s3://BUCKET[/PREFIX]", description = "The S3 repository.")
  String repository;

  @Option(names = "--endpoint", paramLabel = "URL", description = "S3-compatible endpoint (MinIO, R2, ...); default AWS.")
  String endpoint;

  @Option(names = "--region", paramLabel = "R", description = "Region; default AWS_REGION or us-east-1.")
  String region;

  @Option(names = "--path-style", description = "Path-style bucket addressing (most self-hosted stores).")
  boolean pathStyle;

  @Option(names = "--namespace", required = true, paramLabel = "NS", description = "Namespace whose backups.")
  String namespace;

  @Option(names = "--policy", required = true, paramLabel = "NAME", description = "BackupPolicy whose backups.")
  String policy;

  S3Store store(String sse, String kmsKeyId) {
    return new S3Store(new S3Options(endpoint, region, pathStyle, sse, kmsKeyId), S3Location.parse(repository));
  }

  BackupRepository open(S3Store store) {
    return new BackupRepository(store, namespace, policy);
  }
}
