package dev.lifeboat.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** The parts of a built Job that tests look at. */
public final class JobParts {
  private JobParts() {}

  public static PodSpec pod(Job job) {
    return job.getSpec().getTemplate().getSpec();
  }

  /** The Job's agent container: its only one, or the first beside dump or target containers. */
  public static Container agent(Job job) {
    assertThat(pod(job).getContainers()).first().extracting(Container::getName).isEqualTo("agent");
    return pod(job).getContainers().get(0);
  }

  public static Toleration toleration(String key, String value) {
    return new TolerationBuilder().withKey(key).withOperator("Equal").withValue(value).withEffect("NoSchedule").build();
  }
}
