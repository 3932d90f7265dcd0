package dev.lifeboat.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which identity a Job takes from the pods that use its claim. */
class JobIdentityTest {
  static final String CLAIM = "pgdata";

  /** A pod mounting {@code claim} in container "app", with the given pod- and container-level ids. */
  static PodSpecBuilder pod(String claim, Long podUser, Long containerUser) {
    return new PodSpecBuilder()
        .withNewSecurityContext().withRunAsUser(podUser).withRunAsGroup(999L).withFsGroup(999L).endSecurityContext()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim(claim, false).endVolume()
        .addNewContainer().withName("app").withImage("postgres:16")
        .withNewSecurityContext().withRunAsUser(containerUser).endSecurityContext()
        .addNewVolumeMount().withName("data").withMountPath("/var/lib/postgresql/data").endVolumeMount()
        .endContainer();
  }

  static Map<String, PodSpec> users(Object... nameAndSpec) {
    Map<String, PodSpec> users = new LinkedHashMap<>();
    for (int i = 0; i < nameAndSpec.length; i += 2) {
      users.put((String) nameAndSpec[i], (PodSpec) nameAndSpec[i + 1]);
    }
    return users;
  }

  @Test
  void theJobTakesTheUidGidAndFsGroupThePodSetsExplicitly() {
    var found = JobIdentity.of(users("pod pg-0", pod(CLAIM, 999L, null).build()), CLAIM);

    assertThat(found.ok()).isTrue();
    assertThat(found.value().identity().getRunAsUser()).isEqualTo(999L);
    assertThat(found.value().identity().getRunAsGroup()).isEqualTo(999L);
    assertThat(found.value().identity().getFsGroup()).isEqualTo(999L);
    assertThat(found.value().describe()).isEqualTo("uid 999, gid 999, fsGroup 999 (from pod pg-0)");
  }

  @Test
  void theContainerThatMountsTheClaimOverridesThePodsUser() {
    var found = JobIdentity.of(users("pod pg-0", pod(CLAIM, 1000L, 999L).build()), CLAIM);

    assertThat(found.value().identity().getRunAsUser()).isEqualTo(999L);
  }

  @Test
  void rootIsNeverCopied() {
    var found = JobIdentity.of(users("pod pg-0", pod(CLAIM, 0L, null).build()), CLAIM);

    assertThat(found.value().identity().getRunAsUser()).as("uid 0 ignored, the default applies").isNull();
    assertThat(found.value().identity().getFsGroup()).isEqualTo(999L);
  }

  @Test
  void podsThatSetNothingLeaveTheDefault() {
    PodSpec plain = new PodSpecBuilder()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim(CLAIM, false).endVolume()
        .addNewContainer().withName("app").addNewVolumeMount().withName("data").withMountPath("/d").endVolumeMount()
        .endContainer().build();

    var found = JobIdentity.of(users("pod app", plain), CLAIM);

    assertThat(found.value()).isEqualTo(JobIdentity.Found.NONE);
    assertThat(found.value().describe()).contains("uid 65532");
  }

  @Test
  void containersThatDoNotMountTheClaimDoNotCount() {
    PodSpec sidecar = pod(CLAIM, null, null).addNewContainer().withName("metrics")
        .withNewSecurityContext().withRunAsUser(12345L).endSecurityContext().endContainer().build();

    var found = JobIdentity.of(users("pod pg-0", sidecar), CLAIM);

    assertThat(found.value().identity().getRunAsUser()).isNull();
    assertThat(found.value().identity().getRunAsGroup()).isEqualTo(999L);
  }

  @Test
  void podsThatDisagreeLeaveTheDefaultAndAreNamed() {
    var found = JobIdentity.of(users("pod pg-0", pod(CLAIM, 999L, null).build(),
        "pod backup-helper", pod(CLAIM, 1000L, null).build()), CLAIM);

    assertThat(found.ok()).isFalse();
    assertThat(found.problem().reason()).isEqualTo(Reasons.PODS_DISAGREE);
    assertThat(found.problem().message()).contains("pod pg-0: uid 999").contains("pod backup-helper: uid 1000")
        .contains("jobTemplate.podSecurityContext");
  }

  @Test
  void supplementalGroupsAreCopied() {
    PodSpec spec = pod(CLAIM, 999L, null).build();
    spec.getSecurityContext().setSupplementalGroups(List.of(5000L));

    assertThat(JobIdentity.of(users("pod pg-0", spec), CLAIM).value().identity().getSupplementalGroups())
        .containsExactly(5000L);
  }
}
