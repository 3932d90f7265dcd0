package dev.lifeboat.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import org.junit.jupiter.api.Test;

/** As whom a Job runs, and with which privileges. */
class JobSecurityTest {
  static final PodSecurityContext APP = new PodSecurityContextBuilder().withRunAsUser(999L).withRunAsGroup(999L)
      .withFsGroup(999L).build();

  @Test
  void byDefaultTheJobRunsAsTheImagesNonRootUserWithNothingButItsOwnFiles() {
    var pod = JobSecurity.pod(JobSecurity.RunAs.DEFAULT);
    var container = JobSecurity.container(JobSecurity.RunAs.DEFAULT);

    assertThat(pod.getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getFsGroup()).as("so a restore can write into a new claim owned by root").isEqualTo(65532L);
    assertThat(pod.getRunAsNonRoot()).isTrue();
    assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
  }

  @Test
  void theJobTakesTheIdentityOfThePodsUsingTheClaim() {
    var pod = JobSecurity.pod(new JobSecurity.RunAs(null, APP, false));

    assertThat(pod.getRunAsUser()).isEqualTo(999L);
    assertThat(pod.getRunAsGroup()).isEqualTo(999L);
    assertThat(pod.getFsGroup()).isEqualTo(999L);
    assertThat(pod.getRunAsNonRoot()).isTrue();
  }

  @Test
  void anIdentityWithOnlyAGroupKeepsTheDefaultUser() {
    var pod = JobSecurity.pod(new JobSecurity.RunAs(null, new PodSecurityContextBuilder().withFsGroup(2000L).build(), false));

    assertThat(pod.getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getFsGroup()).isEqualTo(2000L);
  }

  @Test
  void theJobTemplatesSecurityContextWinsOverTheAppsIdentity() {
    var requested = new PodSecurityContextBuilder().withRunAsUser(1001L).build();

    var pod = JobSecurity.pod(new JobSecurity.RunAs(requested, APP, false));

    assertThat(pod.getRunAsUser()).isEqualTo(1001L);
    assertThat(pod.getFsGroup()).as("nothing mixed in from the app's identity").isNull();
  }

  @Test
  void aPrivilegedNamespaceRunsTheJobAsRootWithOnlyTheOwnershipCapabilities() {
    var runAs = new JobSecurity.RunAs(null, APP, true);
    var pod = JobSecurity.pod(runAs);
    var container = JobSecurity.container(runAs);

    assertThat(pod.getRunAsUser()).isZero();
    assertThat(pod.getRunAsNonRoot()).isFalse();
    assertThat(container.getRunAsNonRoot()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).containsExactly("CHOWN", "FOWNER", "DAC_OVERRIDE")
        .as("DAC_READ_SEARCH is not allowed by Pod Security baseline").doesNotContain("DAC_READ_SEARCH");
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
  }

  @Test
  void privilegedJobsAreOffUnlessTheNamespaceIsListed() {
    assertThat(PrivilegedJobs.parse("").allows("rose")).isFalse();
    assertThat(PrivilegedJobs.parse("false").allows("rose")).isFalse();
    assertThat(PrivilegedJobs.parse("rose, pg").allows("pg")).isTrue();
    assertThat(PrivilegedJobs.parse("rose").allows("lily")).isFalse();
    assertThat(PrivilegedJobs.parse("*").allows("lily")).isTrue();
  }
}
