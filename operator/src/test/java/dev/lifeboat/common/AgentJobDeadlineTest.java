package dev.lifeboat.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every Lifeboat Job ends at a deadline: 6 h for backups and restores, 10 min for listings, unless jobTemplate says. */
class AgentJobDeadlineTest {
  static Job build(Map<String, String> annotations, JobTemplate template) {
    BackupPolicy owner = Fixtures.dailyPolicy();
    owner.getMetadata().setUid("0b5e4c1a-0000-4000-8000-000000000001");
    return AgentJob.build(AgentImage.of("lifeboat:test"), new AgentJob.Spec("job", Fixtures.NAMESPACE, Map.of(), annotations, owner,
        List.of("lifeboat", "agent"), Fixtures.s3Destination(), null, List.of(), List.of(), template, null, null, false));
  }

  @Test
  void aBackupOrRestoreJobGetsSixHours() {
    assertThat(build(Map.of(Lifeboat.BACKUP_ID_ANNOTATION, "20251109T020000Z"), null).getSpec().getActiveDeadlineSeconds())
        .isEqualTo(6 * 3600L);
    assertThat(build(Map.of(Lifeboat.OPERATION_ANNOTATION, "restore"), null).getSpec().getActiveDeadlineSeconds())
        .isEqualTo(6 * 3600L);
  }

  @Test
  void aListJobGetsTenMinutes() {
    assertThat(build(Map.of(Lifeboat.OPERATION_ANNOTATION, "list"), null).getSpec().getActiveDeadlineSeconds())
        .isEqualTo(600L);
  }

  @Test
  void jobTemplateActiveDeadlineSecondsWinsForEveryJob() {
    JobTemplate template = new JobTemplate();
    template.activeDeadlineSeconds = 86_400L;

    assertThat(build(Map.of(), template).getSpec().getActiveDeadlineSeconds()).isEqualTo(86_400L);
    assertThat(build(Map.of(Lifeboat.OPERATION_ANNOTATION, "list"), template).getSpec().getActiveDeadlineSeconds())
        .isEqualTo(86_400L);
  }

  @Test
  void theDeadlineLeavesThePodFailurePolicyAlone() {
    assertThat(build(Map.of(), null).getSpec().getPodFailurePolicy().getRules()).singleElement()
        .satisfies(rule -> assertThat(rule.getAction()).isEqualTo("FailJob"));
  }
}
