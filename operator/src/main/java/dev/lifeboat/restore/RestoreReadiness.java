package dev.lifeboat.restore;

import static dev.lifeboat.api.v1alpha1.ConditionTypes.READY;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.RESTORED;
import static dev.lifeboat.api.v1alpha1.ConditionTypes.STALLED;

import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestorePhase;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.common.ConditionWriter;
import dev.lifeboat.common.StatusCopy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Optional;

/**
 * Ready and Stalled, the conditions GitOps tools read (kstatus, which Flux uses: Ready True is
 * Current, Stalled True is Failed, anything else InProgress). Ready is True once the data is back
 * and False, with the reason of Restored, while the restore waits, runs or failed; a failed restore
 * is also Stalled, since it never runs again (a new RestoreRequest does), so a tool waiting for it
 * stops at once instead of at its timeout.
 */
final class RestoreReadiness {
  private RestoreReadiness() {}

  static void report(RestoreRequestStatus status, ConditionWriter conditions) {
    Optional<Condition> restored = conditions.find(RESTORED);
    String reason = restored.map(Condition::getReason).orElse(Reasons.RESTORE_IN_PROGRESS);
    String message = status.message != null ? status.message
        : restored.map(Condition::getMessage).orElse("the restore has not started");
    conditions.set(READY, status.phase == RestorePhase.Succeeded, reason, message);
    if (status.phase == RestorePhase.Failed) {
      conditions.set(STALLED, true, reason, message);
    }
  }

  /**
   * A restore that finished under an operator that did not write these conditions gets them once,
   * so GitOps tools see its outcome too; one that has them is not written to.
   */
  static void reportFinished(KubernetesClient client, RestoreRequest request, Instant now) {
    RestoreRequestStatus status = StatusCopy.of(request.getStatus(), RestoreRequestStatus::new);
    report(status, new ConditionWriter(status.conditions, request.getMetadata().getGeneration(), now));
    StatusCopy.writeIfChanged(client, request, request.getStatus(), status);
  }
}
