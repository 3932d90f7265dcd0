package dev.lifeboat.api.v1alpha1;

/** Condition types written into Lifeboat statuses (SPEC §2). */
public final class ConditionTypes {
  public static final String READY = "Ready";
  public static final String BACKUP_OVERDUE = "BackupOverdue";
  public static final String LAST_BACKUP_SUCCEEDED = "LastBackupSucceeded";
  public static final String BACKUP_SUSPICIOUS = "BackupSuspicious";
  public static final String VERIFICATION_OVERDUE = "VerificationOverdue";

  private ConditionTypes() {}
}
