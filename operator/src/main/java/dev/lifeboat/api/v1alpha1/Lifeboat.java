package dev.lifeboat.api.v1alpha1;

/** Names shared by the API, the operator and the agent: group, labels, annotations. */
public final class Lifeboat {
  public static final String GROUP = "lifeboat.dev";
  public static final String VERSION = "v1alpha1";
  /** CRD categories: {@code kubectl get lifeboat} (or {@code backup}) lists both kinds. */
  public static final String CATEGORY_ALL = "lifeboat";
  public static final String CATEGORY_BACKUP = "backup";

  /** Marks every object Lifeboat creates; the sandbox's job runner and RBAC selectors key on it. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "lifeboat";
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String POLICY_LABEL = GROUP + "/policy";
  public static final String RESTORE_LABEL = GROUP + "/restore";
  /** On the temporary objects of a run (VolumeSnapshots, claims made from them): the run's backup id. */
  public static final String BACKUP_ID_LABEL = GROUP + "/backup-id";
  /**
   * Marks an object Lifeboat made for one run only and deletes when the run ends or, after an
   * operator restart, when it finds one of a run no longer going. Lifeboat deletes claims only with
   * this label.
   */
  public static final String TEMPORARY_LABEL = GROUP + "/temporary";
  /** The backup id a Job produces; lets the operator match a finished Job to its run without parsing names. */
  public static final String BACKUP_ID_ANNOTATION = GROUP + "/backup-id";
  /** Why a run was started: Scheduled or Manual. */
  public static final String TRIGGER_ANNOTATION = GROUP + "/trigger";
  /**
   * On a scheduled run's Job: the schedule slot it runs for (RFC 3339). With the manual trigger
   * annotation, what the run consumes: an operator that created the Job but died before its status
   * said so learns it from the Job, and does not run the same slot or trigger again.
   */
  public static final String SCHEDULE_SLOT_ANNOTATION = GROUP + "/schedule-slot";
  /** On a manual run's Job: the spec.trigger.manual value it runs for. */
  public static final String MANUAL_TRIGGER_ANNOTATION = GROUP + "/manual-trigger";

  /** What a Job that is not a backup run does: list (read the repository) or restore. */
  public static final String OPERATION_ANNOTATION = GROUP + "/operation";
  /** On a restore drill's Job: the backup it verifies. */
  public static final String VERIFIED_BACKUP_ANNOTATION = GROUP + "/verified-backup";
  /** The container of a restore drill that runs spec.verify.check. */
  public static final String CHECK_CONTAINER = "check";

  /** Name of the container that runs the agent inside every Lifeboat Job. */
  public static final String AGENT_CONTAINER = "agent";

  private Lifeboat() {}
}
