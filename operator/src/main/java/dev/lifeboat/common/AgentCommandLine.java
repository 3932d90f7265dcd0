package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.Encryption;
import dev.lifeboat.api.v1alpha1.S3Destination;
import dev.lifeboat.api.v1alpha1.SecretKeyRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The one place that writes {@code lifeboat agent ...} command lines, as documented in
 * docs/agent.md. Each builder emits its flags in one fixed order, whatever order they were set in.
 */
public final class AgentCommandLine {
  private AgentCommandLine() {}

  /** {@code lifeboat agent list} of one policy's backups, as the operator reads it back from the pod log. */
  public static List<String> list(S3Destination s3, String namespace, String policy) {
    List<String> command = new ArrayList<>(List.of("lifeboat", "agent", "list"));
    command.addAll(repositoryArgs(s3, namespace, policy));
    return command;
  }

  /** {@code lifeboat agent backup} into namespace/policy of the repository. */
  public static Backup backup(S3Destination s3, String namespace, String policy) {
    return new Backup(s3, namespace, policy);
  }

  /** {@code lifeboat agent restore} of one backup id of namespace/policy into a directory. */
  public static Restore restore(S3Destination s3, String namespace, String policy, String backupId) {
    return new Restore(s3, namespace, policy, backupId);
  }

  /**
   * {@code lifeboat agent verify} of one backup of namespace/policy: every checksum, a restore into
   * {@code restoreTo} (a scratch directory of the Job) and SQLite's integrity_check on what it restored.
   */
  public static List<String> verify(S3Destination s3, String namespace, String policy, String backupId,
      Encryption encryption, String restoreTo, long pinSeconds) {
    List<String> command = new ArrayList<>(List.of("lifeboat", "agent", "verify"));
    command.addAll(repositoryArgs(s3, namespace, policy));
    // The pin that keeps retention off the backup while it is read lasts as long as the Job may run.
    command.addAll(List.of("--backup", backupId, "--restore-to", restoreTo, "--pin-ttl", pinSeconds + "s"));
    command.addAll(keyArguments(encryption));
    command.addAll(List.of("--termination-log", AgentJob.TERMINATION_LOG));
    return command;
  }

  /** {@code s3://bucket[/prefix]}, for command lines and messages. */
  public static String repository(S3Destination s3) {
    return "s3://" + s3.bucket + (AgentJob.notBlank(s3.prefix) ? "/" + s3.prefix : "");
  }

  /** {@code --repository s3://BUCKET[/PREFIX] [--endpoint URL] [--region R] [--path-style] --namespace NS --policy NAME}. */
  static List<String> repositoryArgs(S3Destination s3, String namespace, String policy) {
    List<String> args = new ArrayList<>(List.of("--repository", repository(s3)));
    if (AgentJob.notBlank(s3.endpoint)) {
      args.addAll(List.of("--endpoint", s3.endpoint));
    }
    if (AgentJob.notBlank(s3.region)) {
      args.addAll(List.of("--region", s3.region));
    }
    if (Boolean.TRUE.equals(s3.forcePathStyle)) {
      args.add("--path-style");
    }
    args.addAll(List.of("--namespace", namespace, "--policy", policy));
    return args;
  }

  /** Flags of a backup command; unset ones are left out (the agent's defaults apply). */
  /**
   * The key file mounted by {@link AgentJob}, and the Secret it comes from: the agent names that
   * Secret when the file is missing (the volume is optional, so a missing Secret fails the run at once).
   */
  static List<String> keyArguments(Encryption encryption) {
    if (encryption == null) {
      return List.of();
    }
    SecretKeyRef ref = encryption.keySecretRef;
    return List.of("--encryption-key-file", AgentJob.ENCRYPTION_KEY_FILE,
        "--encryption-key-secret", ref.name + "/" + ref.key);
  }

  public static final class Backup {
    private final S3Destination s3;
    private final String namespace;
    private final String policy;
    private final List<String> claims = new ArrayList<>();
    private final List<String> dumps = new ArrayList<>();
    private final List<String> excludes = new ArrayList<>();
    private final LinkedHashSet<String> pins = new LinkedHashSet<>();
    private String compression = "zstd";
    private boolean sqliteOnline = true;
    private Encryption encryption;
    private String retention;
    private long minSize;
    private String kind;
    private String backupId;

    private Backup(S3Destination s3, String namespace, String policy) {
      this.s3 = s3;
      this.namespace = namespace;
      this.policy = policy;
    }

    /** A claim, mounted where {@link AgentJob#mountPath} puts it. */
    public Backup volume(String claim) {
      claims.add(claim);
      return this;
    }

    /** A dump, its directory where {@link CommandContainers#dir} puts it, run under {@code timeoutSeconds}. */
    public Backup dump(String name, long timeoutSeconds) {
      dumps.add(name + "=" + CommandContainers.dir(name) + ",timeout=" + timeoutSeconds);
      return this;
    }

    public Backup excludes(Collection<String> globs) {
      if (globs != null) {
        excludes.addAll(globs);
      }
      return this;
    }

    public Backup compression(String compression) {
      this.compression = compression;
      return this;
    }

    /** Client-side encryption with the key mounted by {@link AgentJob}; null for none. */
    /** Whether SQLite databases are captured online (the agent's default) or archived as bytes. */
    public Backup sqliteOnline(boolean online) {
      this.sqliteOnline = online;
      return this;
    }

    public Backup encryption(Encryption encryption) {
      this.encryption = encryption;
      return this;
    }

    public Backup retention(String rules) {
      this.retention = rules;
      return this;
    }

    /** Backups retention must keep; repeated ids are passed once. */
    public Backup pins(Collection<String> ids) {
      if (ids != null) {
        pins.addAll(ids);
      }
      return this;
    }

    public Backup minSize(long bytes) {
      this.minSize = bytes;
      return this;
    }

    /** {@code --kind}, e.g. pre-restore for a safety backup; null for a scheduled one. */
    public Backup kind(String kind) {
      this.kind = kind;
      return this;
    }

    public Backup backupId(String id) {
      this.backupId = id;
      return this;
    }

    public List<String> build() {
      List<String> args = new ArrayList<>(List.of("lifeboat", "agent", "backup"));
      args.addAll(repositoryArgs(s3, namespace, policy));
      claims.forEach(claim -> args.addAll(List.of("--volume", claim + "=" + AgentJob.mountPath(claim))));
      dumps.forEach(dump -> args.addAll(List.of("--dump", dump)));
      excludes.forEach(glob -> args.addAll(List.of("--exclude", glob)));
      args.addAll(List.of("--compression", compression));
      if (!sqliteOnline) {
        args.addAll(List.of("--sqlite", "off"));
      } else {
        args.addAll(List.of("--scratch-dir", SqliteScratch.DIR));
      }
      if (AgentJob.notBlank(s3.serverSideEncryption)) {
        args.addAll(List.of("--sse", s3.serverSideEncryption));
        if (AgentJob.notBlank(s3.kmsKeyId)) {
          args.addAll(List.of("--kms-key-id", s3.kmsKeyId));
        }
      }
      args.addAll(keyArguments(encryption));
      if (retention != null) {
        args.addAll(List.of("--retention", retention));
      }
      pins.forEach(id -> args.addAll(List.of("--pin", id)));
      args.addAll(List.of("--min-size", Long.toString(minSize)));
      if (kind != null) {
        args.addAll(List.of("--kind", kind));
      }
      if (backupId != null) {
        args.addAll(List.of("--backup-id", backupId));
      }
      args.addAll(List.of("--termination-log", AgentJob.TERMINATION_LOG));
      return args;
    }
  }

  /** Flags of a restore command. */
  public static final class Restore {
    private final List<String> args = new ArrayList<>(List.of("lifeboat", "agent", "restore"));
    private String claim;
    private String dump;
    private long commandTimeout;
    private String target;
    private String mode;
    private final List<String> paths = new ArrayList<>();
    private Encryption encryption;
    private long pinSeconds;

    private Restore(S3Destination s3, String namespace, String policy, String backupId) {
      args.addAll(repositoryArgs(s3, namespace, policy));
      args.addAll(List.of("--backup", backupId));
    }

    /** The volume of the backup to restore; null when the backup holds only one. */
    public Restore claim(String claim) {
      this.claim = claim;
      return this;
    }

    /**
     * Dump {@code name} of the backup into the target command whose directory {@link CommandContainers#dir}
     * names, which may run on for {@code commandTimeoutSeconds} once its input ended.
     */
    public Restore dump(String name, long commandTimeoutSeconds) {
      this.dump = name;
      this.commandTimeout = commandTimeoutSeconds;
      return this;
    }

    public Restore into(String directory, String mode) {
      this.target = directory;
      this.mode = mode;
      return this;
    }

    public Restore paths(Collection<String> paths) {
      if (paths != null) {
        this.paths.addAll(paths);
      }
      return this;
    }

    /**
     * Pins the backup in the repository while it is read, for at most {@code seconds} (the Job's
     * deadline): no retention pass deletes it meanwhile, also one that started earlier or runs in
     * another cluster.
     */
    public Restore pinFor(long seconds) {
      this.pinSeconds = seconds;
      return this;
    }

    /** Reads with the key mounted by {@link AgentJob} when the source is encrypted. */
    public Restore encryption(Encryption encryption) {
      this.encryption = encryption;
      return this;
    }

    public List<String> build() {
      List<String> command = new ArrayList<>(args);
      if (claim != null) {
        command.addAll(List.of("--claim", claim));
      }
      if (dump != null) {
        command.addAll(List.of("--dump", dump, "--to-command", CommandContainers.dir(CommandContainers.TARGET_CONTAINER),
            "--command-timeout", Long.toString(commandTimeout)));
      } else {
        command.addAll(List.of("--target", target, "--mode", mode));
      }
      paths.forEach(path -> command.addAll(List.of("--path", path)));
      if (pinSeconds > 0) {
        command.addAll(List.of("--pin-ttl", pinSeconds + "s"));
      }
      command.addAll(keyArguments(encryption));
      command.addAll(List.of("--termination-log", AgentJob.TERMINATION_LOG));
      return command;
    }
  }
}
