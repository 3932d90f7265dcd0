package dev.lifeboat.restore;

import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.JobParts.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.RestoreRequestStatus;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Restore Jobs take the identity of the app that uses the target, so restored files belong to it. */
class RestoreJobsRunAsTheAppTest extends ControllerTest {
  static final String RESTORE = "restore-memory";

  @Override
  protected String clockStart() {
    return "2025-11-09T14:00:00Z";
  }

  @BeforeEach
  void policyAndScaledDownApp() {
    client.resource(Fixtures.dailyPolicy()).create();
    // The app is scaled down (no pod): its template says who it runs as.
    client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName("rose").withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "rose").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "rose").endMetadata()
        .withNewSpec().withNewSecurityContext().withRunAsUser(999L).withRunAsGroup(999L).withFsGroup(999L)
        .endSecurityContext()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim(CLAIM, false).endVolume()
        .addNewContainer().withName("rose").withImage("rose:1")
        .addNewVolumeMount().withName("data").withMountPath("/app/data").endVolumeMount().endContainer()
        .endSpec().endTemplate().endSpec().build()).create();
  }

  RestoreRequestStatus reconcile() {
    harness.reconcileRestore(NAMESPACE, RESTORE);
    return harness.getRestore(NAMESPACE, RESTORE).getStatus();
  }

  Job job(String step) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(RESTORE + "-" + step).get();
  }

  /** Applies the request and walks it to its restore Job: listing, safety backup. */
  RestoreRequestStatus untilRestoreJob(Consumer<RestoreRequest> change) {
    RestoreRequest request = Fixtures.restoreFromPolicy(RESTORE);
    change.accept(request);
    harness.create(request);
    reconcile();
    harness.finishJob(job("list"), true, null, null, RestoreRequestReconcilerTest.listing(RestoreRequestReconcilerTest.NEWER));
    reconcile();
    harness.finishJob(job("safety"), true, new AgentResult(AgentResult.CURRENT_VERSION, "backup", null,
        BackupPhase.Succeeded, null, null, 10L, 1L, null, 1.0, null, "backed up", null), null);
    return reconcile();
  }

  @Test
  void safetyAndRestoreJobsRunAsTheAppSoRestoredFilesBelongToIt() {
    RestoreRequestStatus status = untilRestoreJob(r -> {});

    for (Job job : new Job[] {job("safety"), job("restore")}) {
      var security = pod(job).getSecurityContext();
      assertThat(security.getRunAsUser()).as(job.getMetadata().getName()).isEqualTo(999L);
      assertThat(security.getFsGroup()).as(job.getMetadata().getName()).isEqualTo(999L);
    }
    assertCondition(status.conditions, ConditionTypes.IDENTITY_RESOLVED, "True", Reasons.FROM_PODS,
        "restore Jobs run as uid 999, gid 999, fsGroup 999 (from Deployment rose)", 1);
  }

  @Test
  void theRequestsJobTemplateChoosesTheIdentity() {
    RestoreRequestStatus status = untilRestoreJob(r -> {
      r.getSpec().jobTemplate = new JobTemplate();
      r.getSpec().jobTemplate.podSecurityContext = new PodSecurityContextBuilder().withRunAsUser(70L).withFsGroup(70L)
          .build();
    });

    assertThat(pod(job("restore")).getSecurityContext().getRunAsUser()).isEqualTo(70L);
    assertCondition(status.conditions, ConditionTypes.IDENTITY_RESOLVED, "True", Reasons.FROM_JOB_TEMPLATE,
        "jobTemplate.podSecurityContext", 1);
  }
}
