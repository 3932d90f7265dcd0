package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.api.v1alpha1.schema.ConditionSchema;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestoreRequestStatus {
  @JsonPropertyDescription("The metadata.generation this status was computed for.")
  public Long observedGeneration;

  @JsonPropertyDescription("Pending, Running, Succeeded or Failed.")
  public RestorePhase phase;

  @JsonPropertyDescription("The step the restore is at: Pending, Resolving, ScalingDown, SafetyBackup, Restoring, ScalingUp or Done. Lets a restarted operator carry on where it stopped.")
  public RestoreStage stage;

  @JsonPropertyDescription("Conditions of the restore: BackupResolved, WorkloadsScaledDown, SafetyBackupTaken, Restored; Ready (True once the restore succeeded) and Stalled (True when it failed), for tools that read kstatus.")
  @SchemaFrom(type = ConditionSchema[].class)
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The backup actually restored.")
  public RestoredBackup backup;

  @JsonPropertyDescription("The backup of the target's previous contents, taken before restoring.")
  public SafetyBackupRef safetyBackup;

  @JsonPropertyDescription("Bytes restored so far.")
  public RestoreProgress progress;

  @JsonPropertyDescription("Workloads scaled down, with the replica counts to scale back to.")
  public List<ScaleTarget> scaledDown;

  @JsonPropertyDescription("When the restore started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the restore finished (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("What happened, in one line.")
  public String message;
}
