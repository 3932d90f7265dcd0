package dev.lifeboat.api.v1alpha1;

/** Condition types written into Lifeboat statuses (docs/backuppolicy.md, docs/restore.md). */
public final class ConditionTypes {
  /** BackupPolicy: valid and its newest backup fresh. RestoreRequest: the restore succeeded. */
  public static final String READY = "Ready";
  public static final String BACKUP_OVERDUE = "BackupOverdue";
  public static final String LAST_BACKUP_SUCCEEDED = "LastBackupSucceeded";
  public static final String BACKUP_SUSPICIOUS = "BackupSuspicious";
  /** BackupPolicy: the repository holds backups whose manifest cannot be read (status.damagedBackups). */
  public static final String BACKUPS_DAMAGED = "BackupsDamaged";
  public static final String VERIFICATION_OVERDUE = "VerificationOverdue";
  /** BackupPolicy with spec.verify: whether the last restore drill found the backup good. */
  public static final String LAST_VERIFICATION_SUCCEEDED = "LastVerificationSucceeded";

  /** BackupPolicy and RestoreRequest: as whom the Jobs run (the identity of the pods using the claim, or why not). */
  public static final String IDENTITY_RESOLVED = "IdentityResolved";

  /** RestoreRequest: the backup to restore was found and holds the claim asked for. */
  public static final String BACKUP_RESOLVED = "BackupResolved";
  /** RestoreRequest: spec.scaleDown workloads are at zero replicas. */
  public static final String WORKLOADS_SCALED_DOWN = "WorkloadsScaledDown";
  /** RestoreRequest: the target's previous contents were backed up first. */
  public static final String SAFETY_BACKUP_TAKEN = "SafetyBackupTaken";
  /** RestoreRequest: the data is back in the target volume. */
  public static final String RESTORED = "Restored";
  /** RestoreRequest: True when the restore failed and will not run again (kstatus reads it as Failed). */
  public static final String STALLED = "Stalled";

  private ConditionTypes() {}
}
