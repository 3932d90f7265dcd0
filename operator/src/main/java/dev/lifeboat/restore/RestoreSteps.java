package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.RestoreStage;
import dev.lifeboat.common.ClaimPlacement;
import dev.lifeboat.common.ClaimUsers;
import dev.lifeboat.common.ControllerSettings;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Jobs;
import dev.lifeboat.common.PodLogs;
import dev.lifeboat.common.RepositoryListing;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.EnumMap;
import java.util.Map;

/** The step for each stage of a restore; Done has none. */
final class RestoreSteps {
  private final Map<RestoreStage, RestoreStep> steps = new EnumMap<>(RestoreStage.class);

  RestoreSteps(KubernetesClient client, ControllerSettings settings) {
    Jobs jobs = new Jobs(client);
    JobOutcomeReader outcomes = new JobOutcomeReader(client);
    PodLogs logs = new PodLogs(client);
    RestoreJobBuilder builder = new RestoreJobBuilder(settings.agentImage(), settings.privilegedJobs());
    TargetClaim targets = new TargetClaim(client, new ClaimPlacement(client), new ClaimUsers(client));
    WorkloadScaler scaler = new WorkloadScaler(client);
    steps.put(RestoreStage.Pending, new PendingStep(targets));
    steps.put(RestoreStage.Resolving, new ResolvingStep(jobs, builder, new RepositoryListing(outcomes, logs)));
    steps.put(RestoreStage.ScalingDown, new ScalingDownStep(scaler, targets));
    steps.put(RestoreStage.SafetyBackup, new SafetyBackupStep(jobs, builder, outcomes, targets));
    steps.put(RestoreStage.Restoring, new RestoringStep(jobs, builder, outcomes, logs, targets));
    steps.put(RestoreStage.ScalingUp, new ScalingUpStep(scaler));
  }

  RestoreStep of(RestoreStage stage) {
    RestoreStep step = steps.get(stage);
    if (step == null) {
      throw new IllegalArgumentException("no step for stage " + stage);
    }
    return step;
  }
}
