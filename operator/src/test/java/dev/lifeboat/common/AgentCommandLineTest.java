package dev.lifeboat.common;

import dev.lifeboat.testing.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.Encryption;
import dev.lifeboat.api.v1alpha1.S3Destination;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent command lines of docs/agent.md, as the operator writes them. */
class AgentCommandLineTest {
  static final String ID = "20251109T020000Z";

  static S3Destination s3() {
    return Fixtures.s3Destination();
  }

  /** Every repository option set. */
  static S3Destination minio() {
    S3Destination s3 = s3();
    s3.endpoint = "http://minio.storage:9000";
    s3.forcePathStyle = true;
    s3.serverSideEncryption = "aws:kms";
    s3.kmsKeyId = "alias/lifeboat";
    return s3;
  }

  static Encryption key() {
    return Fixtures.encryptionKey();
  }

  static final List<String> EVERY_BACKUP_FLAG = List.of(
      "lifeboat", "agent", "backup",
      "--repository", "s3://backups/prod",
      "--endpoint", "http://minio.storage:9000",
      "--region", "us-east-1",
      "--path-style",
      "--namespace", "rose",
      "--policy", "rose-memory",
      "--volume", "memory-data=/data/memory-data",
      "--volume", "uploads=/data/uploads",
      "--exclude", "logs/**",
      "--exclude", "**/*.tmp",
      "--compression", "gzip",
      "--scratch-dir", "/scratch/sqlite",
      "--sse", "aws:kms",
      "--kms-key-id", "alias/lifeboat",
      "--encryption-key-file", "/etc/lifeboat/encryption/key", "--encryption-key-secret", "backup-key/key",
      "--retention", "keepDaily=7",
      "--pin", "20251101T020000Z",
      "--min-size", "51200",
      "--kind", "pre-restore",
      "--backup-id", ID,
      "--termination-log", "/dev/termination-log");

  @Test
  void backupFlagsComeInTheDocumentedOrderWhateverOrderTheyAreSetIn() {
    List<String> inOrder = AgentCommandLine.backup(minio(), "rose", "rose-memory")
        .volume("memory-data").volume("uploads")
        .excludes(List.of("logs/**", "**/*.tmp"))
        .compression("gzip")
        .encryption(key())
        .retention("keepDaily=7")
        .pins(List.of("20251101T020000Z"))
        .minSize(51200)
        .kind("pre-restore")
        .backupId(ID)
        .build();
    List<String> reversed = AgentCommandLine.backup(minio(), "rose", "rose-memory")
        .backupId(ID)
        .kind("pre-restore")
        .minSize(51200)
        .pins(List.of("20251101T020000Z"))
        .retention("keepDaily=7")
        .encryption(key())
        .compression("gzip")
        .excludes(List.of("logs/**", "**/*.tmp"))
        .volume("memory-data").volume("uploads")
        .build();

    assertThat(inOrder).containsExactlyElementsOf(EVERY_BACKUP_FLAG);
    assertThat(reversed).containsExactlyElementsOf(EVERY_BACKUP_FLAG);
  }

  @Test
  void repeatedPinsArePassedOnceInTheOrderFirstGiven() {
    List<String> command = AgentCommandLine.backup(s3(), "rose", "rose-memory").volume("memory-data")
        .pins(List.of("20251101T020000Z", "20251105T020000Z"))
        .pins(List.of("20251105T020000Z", "20251101T020000Z", "20251108T020000Z"))
        .backupId(ID).build();

    assertThat(command).containsSequence(
        "--pin", "20251101T020000Z",
        "--pin", "20251105T020000Z",
        "--pin", "20251108T020000Z",
        "--min-size")
        .filteredOn("--pin"::equals).hasSize(3);
  }

  @Test
  void eachExcludeIsItsOwnFlagAfterTheVolumes() {
    List<String> command = AgentCommandLine.backup(s3(), "rose", "rose-memory")
        .excludes(List.of("cache"))
        .volume("memory-data")
        .excludes(List.of("logs/**"))
        .backupId(ID).build();

    assertThat(command).containsSequence(
        "--volume", "memory-data=/data/memory-data",
        "--exclude", "cache",
        "--exclude", "logs/**",
        "--compression", "zstd");
  }

  @Test
  void serverSideEncryptionWithAKmsKeyPassesBoth() {
    List<String> command = AgentCommandLine.backup(minio(), "rose", "rose-memory").volume("memory-data")
        .backupId(ID).build();

    assertThat(command).containsSequence("--compression", "zstd", "--scratch-dir", "/scratch/sqlite", "--sse", "aws:kms", "--kms-key-id", "alias/lifeboat",
        "--min-size");
  }

  @Test
  void aes256NeedsNoKmsKeyAndAKmsKeyWithoutSseIsNotPassed() {
    S3Destination aes = s3();
    aes.serverSideEncryption = "AES256";
    S3Destination keyOnly = s3();
    keyOnly.kmsKeyId = "alias/lifeboat";

    assertThat(AgentCommandLine.backup(aes, "rose", "rose-memory").volume("memory-data").backupId(ID).build())
        .containsSequence("--sse", "AES256", "--min-size")
        .doesNotContain("--kms-key-id");
    assertThat(AgentCommandLine.backup(keyOnly, "rose", "rose-memory").volume("memory-data").backupId(ID).build())
        .doesNotContain("--sse", "--kms-key-id", "alias/lifeboat");
  }

  @Test
  void unsetOptionsAreLeftOutAndTheAgentsDefaultsApply() {
    List<String> command = AgentCommandLine.backup(s3(), "rose", "rose-memory")
        .volume("memory-data")
        .excludes(null)
        .pins(null)
        .encryption(null)
        .backupId(ID)
        .build();

    assertThat(command).containsExactly(
        "lifeboat", "agent", "backup",
        "--repository", "s3://backups/prod",
        "--region", "us-east-1",
        "--namespace", "rose",
        "--policy", "rose-memory",
        "--volume", "memory-data=/data/memory-data",
        "--compression", "zstd",
        "--scratch-dir", "/scratch/sqlite",
        "--min-size", "0",
        "--backup-id", ID,
        "--termination-log", "/dev/termination-log");
  }

  @Test
  void anUnsetBackupIdIsLeftOutLikeEveryOtherUnsetFlag() {
    List<String> command = AgentCommandLine.backup(s3(), "rose", "rose-memory").volume("memory-data").build();

    assertThat(command).doesNotContain("--backup-id").doesNotContainNull()
        .endsWith("--termination-log", "/dev/termination-log");
  }

  @Test
  void repositoryIsTheBucketAndThePrefix() {
    assertThat(AgentCommandLine.repository(s3())).isEqualTo("s3://backups/prod");
  }

  @Test
  void repositoryWithoutPrefixIsTheBareBucket() {
    S3Destination noPrefix = s3();
    noPrefix.prefix = null;
    S3Destination blankPrefix = s3();
    blankPrefix.prefix = "";

    assertThat(AgentCommandLine.repository(noPrefix)).isEqualTo("s3://backups");
    assertThat(AgentCommandLine.repository(blankPrefix)).isEqualTo("s3://backups");
  }

  @Test
  void listNamesOnlyTheRepositoryAndTheBackupsOfOnePolicy() {
    assertThat(AgentCommandLine.list(minio(), "rose", "rose-memory")).containsExactly(
        "lifeboat", "agent", "list",
        "--repository", "s3://backups/prod",
        "--endpoint", "http://minio.storage:9000",
        "--region", "us-east-1",
        "--path-style",
        "--namespace", "rose",
        "--policy", "rose-memory");
  }

  @Test
  void forcePathStyleFalseIsNotPassed() {
    S3Destination s3 = s3();
    s3.forcePathStyle = false;

    assertThat(AgentCommandLine.list(s3, "rose", "rose-memory")).doesNotContain("--path-style");
  }

  @Test
  void restoreFlagsComeInTheDocumentedOrderWhateverOrderTheyAreSetIn() {
    List<String> expected = List.of(
        "lifeboat", "agent", "restore",
        "--repository", "s3://backups/prod",
        "--region", "us-east-1",
        "--namespace", "rose",
        "--policy", "rose-memory",
        "--backup", ID,
        "--claim", "app-db",
        "--target", "/data/memory-data",
        "--mode", "Merge",
        "--path", "memory.db",
        "--path", "attachments",
        "--encryption-key-file", "/etc/lifeboat/encryption/key", "--encryption-key-secret", "backup-key/key",
        "--termination-log", "/dev/termination-log");

    List<String> inOrder = AgentCommandLine.restore(s3(), "rose", "rose-memory", ID)
        .claim("app-db").into("/data/memory-data", "Merge").paths(List.of("memory.db", "attachments"))
        .encryption(key()).build();
    List<String> reversed = AgentCommandLine.restore(s3(), "rose", "rose-memory", ID)
        .encryption(key()).paths(List.of("memory.db", "attachments")).into("/data/memory-data", "Merge")
        .claim("app-db").build();

    assertThat(inOrder).containsExactlyElementsOf(expected);
    assertThat(reversed).containsExactlyElementsOf(expected);
  }

  @Test
  void restoreWithoutClaimPathsOrKeyPassesOnlyTargetAndMode() {
    List<String> command = AgentCommandLine.restore(s3(), "rose", "rose-memory", ID)
        .claim(null).paths(null).encryption(null).into("/data/memory-data", "Replace").build();

    assertThat(command).containsExactly(
        "lifeboat", "agent", "restore",
        "--repository", "s3://backups/prod",
        "--region", "us-east-1",
        "--namespace", "rose",
        "--policy", "rose-memory",
        "--backup", ID,
        "--target", "/data/memory-data",
        "--mode", "Replace",
        "--termination-log", "/dev/termination-log");
  }

  @Test
  void aRestoreOfADumpNamesTheTargetCommandsDirectoryInsteadOfATargetAndMode() {
    List<String> command = AgentCommandLine.restore(s3(), "rose", "rose-memory", ID)
        .dump("tzurot-db", 21600).encryption(key()).pinFor(21600).build();

    assertThat(command).containsExactly(
        "lifeboat", "agent", "restore",
        "--repository", "s3://backups/prod",
        "--region", "us-east-1",
        "--namespace", "rose",
        "--policy", "rose-memory",
        "--backup", ID,
        "--dump", "tzurot-db", "--to-command", "/lifeboat/dumps/target", "--command-timeout", "21600",
        "--pin-ttl", "21600s",
        "--encryption-key-file", "/etc/lifeboat/encryption/key", "--encryption-key-secret", "backup-key/key",
        "--termination-log", "/dev/termination-log");
  }

  @Test
  void dumpsFollowTheVolumesEachWithItsDirectoryAndTimeout() {
    List<String> command = AgentCommandLine.backup(s3(), "rose", "rose-memory")
        .dump("tzurot-db", 900).volume("memory-data").dump("cache", 60).build();

    assertThat(command).containsSequence("--volume", "memory-data=/data/memory-data",
        "--dump", "tzurot-db=/lifeboat/dumps/tzurot-db,timeout=900",
        "--dump", "cache=/lifeboat/dumps/cache,timeout=60", "--compression");
  }
}
