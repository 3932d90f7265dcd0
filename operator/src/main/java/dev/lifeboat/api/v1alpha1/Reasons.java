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
  /** copyMethod: Snapshot, but the cluster does not serve the VolumeSnapshot API. */
  public static final String SNAPSHOTS_UNAVAILABLE = "SnapshotsUnavailable";
  /** The run's VolumeSnapshots are all ready; its Job copies from them. */
  public static final String SNAPSHOTS_READY = "SnapshotsReady";
  /** A VolumeSnapshot of the run reported an error. */
  public static final String SNAPSHOT_FAILED = "SnapshotFailed";
  /** A VolumeSnapshot of the run was not ready to use within spec.snapshotTimeoutSeconds. */
  public static final String SNAPSHOT_TIMEOUT = "SnapshotTimeout";
  /** A backup stored but with data left out; the one name used in status, Events and docs. */
  public static final String PARTIALLY_FAILED = "PartiallyFailed";
  public static final String SUCCEEDED_WITH_WARNINGS = "SucceededWithWarnings";
  public static final String BELOW_MIN_SIZE = "BelowMinSize";
  public static final String SHRANK = "Shrank";
  public static final String SIZE_PLAUSIBLE = "SizePlausible";
  public static final String WAITING_FOR_FIRST_BACKUP = "WaitingForFirstBackup";

  public static final String POLICY_NOT_FOUND = "PolicyNotFound";
  public static final String CROSS_NAMESPACE_DENIED = "CrossNamespaceDenied";
  public static final String CLAIM_EXISTS = "ClaimExists";
  public static final String WORKLOAD_NOT_FOUND = "WorkloadNotFound";
  public static final String BACKUP_NOT_FOUND = "BackupNotFound";
  public static final String CLAIM_NOT_IN_BACKUP = "ClaimNotInBackup";
  public static final String KEY_MISSING = "EncryptionKeyMissing";
  public static final String LISTING_FAILED = "ListingFailed";
  public static final String RESOLVED = "Resolved";
  public static final String SCALED_DOWN = "ScaledDown";
  public static final String SCALED_BACK = "ScaledBack";
  public static final String SCALE_DOWN_TIMEOUT = "ScaleDownTimeout";
  public static final String NOT_REQUESTED = "NotRequested";
  public static final String SAFETY_BACKUP_FAILED = "SafetyBackupFailed";
  public static final String SAFETY_BACKUP_SUCCEEDED = "SafetyBackupSucceeded";
  public static final String RESTORE_STARTED = "RestoreStarted";
  public static final String RESTORE_SUCCEEDED = "RestoreSucceeded";
  public static final String RESTORE_FAILED = "RestoreFailed";
  public static final String WAITING_FOR_CLAIM = "WaitingForClaim";
  public static final String RESTORE_IN_PROGRESS = "RestoreInProgress";
  public static final String REPOSITORY_LISTED = "RepositoryListed";
  public static final String CLAIM_IN_USE = "ClaimInUse";
  public static final String SCALING_DOWN = "ScalingDown";
  public static final String SKIPPED = "Skipped";
  public static final String CLAIMS_ON_DIFFERENT_NODES = "ClaimsOnDifferentNodes";
  public static final String PODS_DISAGREE = "PodsDisagree";
  public static final String FROM_PODS = "FromPods";
  public static final String FROM_JOB_TEMPLATE = "FromJobTemplate";
  public static final String DEFAULT_IDENTITY = "DefaultIdentity";
  public static final String PRIVILEGED = "Privileged";
  /** A Job's pod that cannot start (a missing Secret or key, an image that cannot be pulled, no node fits). */
  public static final String JOB_CANNOT_START = "JobCannotStart";
  /** Restore drills (spec.verify): VerificationOverdue, LastVerificationSucceeded and their Events. */
  public static final String VERIFICATION_STARTED = "VerificationStarted";
  public static final String VERIFICATION_SUCCEEDED = "VerificationSucceeded";
  public static final String VERIFICATION_FAILED = "VerificationFailed";
  public static final String VERIFICATION_SKIPPED = "VerificationSkipped";
  public static final String NEVER_VERIFIED = "NeverVerified";
  public static final String VERIFIED_RECENTLY = "VerifiedRecently";
  public static final String NO_VERIFICATION_YET = "NoVerificationYet";

  /** BackupsDamaged True, and the Warning Event for each damaged backup when first seen. */
  public static final String DAMAGED_BACKUPS_FOUND = "DamagedBackupsFound";
  public static final String BACKUP_DAMAGED = "BackupDamaged";
  public static final String NO_DAMAGED_BACKUPS = "NoDamagedBackups";

  public static final String HOOK_FAILED = "HookFailed";
  public static final String HOOKS_DISABLED = "HooksDisabled";

  private Reasons() {}
}
