package dev.lifeboat.backuppolicy;

import static dev.lifeboat.testing.ConditionAssert.assertCondition;
import static dev.lifeboat.testing.Fixtures.CLAIM;
import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static dev.lifeboat.testing.Fixtures.POLICY;
import static dev.lifeboat.testing.JobParts.agent;
import static dev.lifeboat.testing.JobParts.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.Trigger;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.PrivilegedJobs;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A backup Job takes the identity of the app's pods, so it reads what the app can read. */
class JobsRunAsTheAppTest extends ControllerTest {
  /** A running pod of the app mounting the claim, as uid {@code uid} (and gid/fsGroup 999). */
  void appPod(String name, long uid) {
    client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build())
        .withNewSpec().withNodeName("node-a")
        .withNewSecurityContext().withRunAsUser(uid).withRunAsGroup(999L).withFsGroup(999L).endSecurityContext()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim(CLAIM, false).endVolume()
        .addNewContainer().withName("app").withImage("rose:1")
        .addNewVolumeMount().withName("data").withMountPath("/app/data").endVolumeMount().endContainer()
        .endSpec().withNewStatus().withPhase("Running").endStatus().build()).create();
  }

  Job run(Consumer<BackupPolicy> change) {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getSpec().trigger = new Trigger();
    policy.getSpec().trigger.manual = "now";
    change.accept(policy);
    harness.create(policy);
    harness.reconcile(NAMESPACE, POLICY);
    return harness.jobs(NAMESPACE).stream().filter(j -> JobOutcomeReader.backupId(j) != null).findFirst().orElseThrow();
  }

  BackupPolicy policy() {
    return harness.get(NAMESPACE, POLICY);
  }

  @Test
  void theBackupJobRunsAsTheUserOfThePodsThatUseTheClaim() {
    appPod("rose-7d9f", 999L);

    var security = pod(run(p -> {})).getSecurityContext();

    assertThat(security.getRunAsUser()).isEqualTo(999L);
    assertThat(security.getRunAsGroup()).isEqualTo(999L);
    assertThat(security.getFsGroup()).isEqualTo(999L);
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertCondition(policy().getStatus().conditions, ConditionTypes.IDENTITY_RESOLVED, "True", Reasons.FROM_PODS,
        "backup Jobs run as uid 999, gid 999, fsGroup 999 (from pod rose-7d9f)", 1);
  }

  @Test
  void withoutAnyUserTheJobRunsAsTheImagesDefaultUser() {
    assertThat(pod(run(p -> {})).getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertCondition(policy().getStatus().conditions, ConditionTypes.IDENTITY_RESOLVED, "True", Reasons.DEFAULT_IDENTITY,
        "the image's default user (uid 65532)", 1);
  }

  @Test
  void podsThatDisagreeLeaveTheDefaultAndAConditionNamingThem() {
    appPod("rose-7d9f", 999L);
    appPod("rose-helper", 1000L);

    assertThat(pod(run(p -> {})).getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertCondition(policy().getStatus().conditions, ConditionTypes.IDENTITY_RESOLVED, "False", Reasons.PODS_DISAGREE,
        "pod rose-7d9f: uid 999", 1);
  }

  @Test
  void theJobTemplatesSecurityContextIsTakenAsIs() {
    appPod("rose-7d9f", 999L);

    var security = pod(run(p -> {
      p.getSpec().jobTemplate = new JobTemplate();
      p.getSpec().jobTemplate.podSecurityContext = new PodSecurityContextBuilder().withRunAsUser(1234L).build();
    })).getSecurityContext();

    assertThat(security.getRunAsUser()).isEqualTo(1234L);
    assertThat(security.getFsGroup()).isNull();
    assertCondition(policy().getStatus().conditions, ConditionTypes.IDENTITY_RESOLVED, "True",
        Reasons.FROM_JOB_TEMPLATE, "jobTemplate.podSecurityContext", 1);
  }

  @Test
  void inANamespaceAllowedPrivilegedJobsTheJobRunsAsRootWithTheOwnershipCapabilities() {
    harness.allowPrivilegedJobs(PrivilegedJobs.parse(NAMESPACE));
    appPod("rose-7d9f", 999L);

    Job job = run(p -> {});

    assertThat(pod(job).getSecurityContext().getRunAsUser()).isZero();
    assertThat(agent(job).getSecurityContext().getCapabilities().getAdd()).containsExactly("CHOWN", "FOWNER",
        "DAC_OVERRIDE");
    assertCondition(policy().getStatus().conditions, ConditionTypes.IDENTITY_RESOLVED, "True", Reasons.PRIVILEGED,
        "run as root", 1);
  }

  @Test
  void otherNamespacesStayUnprivileged() {
    harness.allowPrivilegedJobs(PrivilegedJobs.parse("lily"));

    assertThat(pod(run(p -> {})).getSecurityContext().getRunAsUser()).isEqualTo(65532L);
  }
}
