package dev.lifeboat.api.v1alpha1;

/** CamelCase reasons for conditions and Events. */
public final class Reasons {
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String CLAIM_NOT_FOUND = "ClaimNotFound";
  public static final String CLAIM_NOT_BOUND = "ClaimNotBound";
  public static final String NO_CLAIMS_SELECTED = "NoClaimsSelected";
  public static final String SUSPENDED = "Suspended";
  public static final String UP_TO_DATE = "UpToDate";
  public static final String OVERDUE = "Overdue";
  public static final String NEVER_BACKED_UP = "NeverBackedUp";
  public static final String WITHIN_MAX_AGE = "WithinMaxAge";
  public static final String NO_BACKUP_YET = "NoBackupYet";
  public static final String BACKUP_STARTED = "BackupStarted";
  public static final String BACKUP_SUCCEEDED = "BackupSucceeded";
  public static final String BACKUP_FAILED = "BackupFailed";
  public static final String BELOW_MIN_SIZE = "BelowMinSize";
  public static final String SHRANK = "Shrank";
  public static final String SIZE_PLAUSIBLE = "SizePlausible";
  public static final String WAITING_FOR_FIRST_BACKUP = "WaitingForFirstBackup";

  private Reasons() {}
}
