package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.JobNames;
import dev.lifeboat.api.v1alpha1.RepositoryDiscovery;
import dev.lifeboat.common.AgentJob;
import dev.lifeboat.common.ListedBackup;
import dev.lifeboat.common.PodLogs;
import dev.lifeboat.common.Times;
import dev.lifeboat.retention.RetentionRules;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;

/**
 * Before a policy's first run, lists what its repository already holds (an {@code agent list}
 * Job, read back from the pod log) into status: a policy re-applied into a new cluster knows its
 * backups, so BackupOverdue and retention are right from the start.
 */
final class BackupDiscovery {
  static final String RUNNING = "Running";
  static final String SUCCEEDED = "Succeeded";
  static final String FAILED = "Failed";

  /** What a finished listing found, for the event. */
  record Finished(boolean succeeded, String message) {}

  private final KubernetesClient client;
  private final BackupJobBuilder jobBuilder;
  private final JobOutcomeReader outcomes;
  private final PodLogs logs;
  private final BackupRecorder recorder;

  BackupDiscovery(KubernetesClient client, BackupJobBuilder jobBuilder, JobOutcomeReader outcomes, BackupRecorder recorder) {
    this.client = client;
    this.jobBuilder = jobBuilder;
    this.outcomes = outcomes;
    this.logs = new PodLogs(client);
    this.recorder = recorder;
  }

  /** A policy that has never run lists first; one that has (status from before discovery existed) does not. */
  static boolean needed(BackupPolicyStatus status) {
    return status.discovery == null ? status.lastBackup == null : RUNNING.equals(status.discovery.phase);
  }

  /**
   * Starts or finishes the listing. Returns null while it runs (no backup may start yet), else
   * what it found; the finished Job is deleted, its result being in status.
   */
  Finished advance(BackupPolicy policy, BackupPolicyStatus status, RetentionRules rules, Instant now) {
    String namespace = policy.getMetadata().getNamespace();
    String name = JobNames.discoveryJob(policy.getMetadata().getName());
    Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    if (job == null) {
      try {
        client.batch().v1().jobs().inNamespace(namespace).resource(jobBuilder.discovery(policy)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      RepositoryDiscovery running = new RepositoryDiscovery();
      running.phase = RUNNING;
      running.message = "listing " + AgentJob.repository(policy.getSpec().destination.s3) + " in Job " + name;
      status.discovery = running;
      return null;
    }
    if (!JobOutcomeReader.finished(job)) {
      return null;
    }
    JobOutcomeReader.Outcome outcome = outcomes.read(job).orElseThrow();
    RepositoryDiscovery result = new RepositoryDiscovery();
    result.completionTime = outcome.completionTime() != null ? outcome.completionTime() : Times.rfc3339(now);
    String where = AgentJob.repository(policy.getSpec().destination.s3) + " (" + namespace + "/"
        + policy.getMetadata().getName() + ")";
    try {
      if (!outcome.succeeded()) {
        throw new IllegalArgumentException(outcome.message());
      }
      List<ListedBackup> listing = ListedBackup.parseLog(logs.all(job).orElse(null));
      int found = recorder.discovered(status, listing, rules);
      result.phase = SUCCEEDED;
      result.found = found;
      result.message = found == 0 ? "no backups in " + where + " yet"
          : "found " + found + " backup(s) in " + where + ", newest " + status.lastBackup.id;
    } catch (IllegalArgumentException e) {
      result.phase = FAILED;
      result.message = "listing " + where + " failed: " + e.getMessage()
          + "; existing backups appear in status after the next run";
    }
    status.discovery = result;
    client.batch().v1().jobs().inNamespace(namespace).withName(name)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    return new Finished(SUCCEEDED.equals(result.phase), result.message);
  }
}
