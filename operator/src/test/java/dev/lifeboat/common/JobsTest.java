package dev.lifeboat.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Starting a Job exactly once, and never taking another object's Job of the same name for one's own. */
class JobsTest extends ControllerTest {
  static final String NAME = "restore-memory-list";
  Jobs jobs;
  RestoreRequest request;

  @BeforeEach
  void request() {
    jobs = new Jobs(client);
    request = harness.create(Fixtures.restoreFromPolicy("restore-memory"));
  }

  Job desired(RestoreRequest owner, boolean lifeboats) {
    return new JobBuilder().withNewMetadata().withName(NAME).withNamespace(Fixtures.NAMESPACE)
        .addToLabels(lifeboats ? "app.kubernetes.io/managed-by" : "app", lifeboats ? "lifeboat" : "someone-else")
        .addNewOwnerReference().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).endOwnerReference()
        .endMetadata().withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("agent")
        .withImage("lifeboat:test").endContainer().withRestartPolicy("Never").endSpec().endTemplate().endSpec().build();
  }

  @Test
  void theFirstLookCreatesTheJobAndTheNextFindsIt() {
    assertThat(jobs.findOrCreate(request, Fixtures.NAMESPACE, NAME, () -> desired(request, true))).isEmpty();
    Optional<Job> found = jobs.findOrCreate(request, Fixtures.NAMESPACE, NAME, () -> {
      throw new AssertionError("must not build a second Job");
    });
    assertThat(found).hasValueSatisfying(job -> assertThat(Jobs.ownedBy(job, request)).isTrue());
  }

  @Test
  void creatingAJobThatAlreadyExistsIsNotAnError() {
    jobs.createOnce(desired(request, true));
    jobs.createOnce(desired(request, true));

    assertThat(harness.jobs(Fixtures.NAMESPACE)).hasSize(1);
  }

  @Test
  void aJobLeftByAnEarlierRequestOfTheSameNameIsDeletedNotTakenForThisOnesOwn() {
    jobs.createOnce(desired(request, true));
    client.resource(request).delete(); // no garbage collector here: its Job stays behind, as it may for a while
    RestoreRequest again = harness.create(Fixtures.restoreFromPolicy("restore-memory"));

    assertThat(jobs.findOrCreate(again, Fixtures.NAMESPACE, NAME, () -> desired(again, true))).isEmpty();
    assertThat(jobs.find(Fixtures.NAMESPACE, NAME)).as("the earlier request's Job is gone").isEmpty();

    jobs.findOrCreate(again, Fixtures.NAMESPACE, NAME, () -> desired(again, true));
    assertThat(jobs.find(Fixtures.NAMESPACE, NAME)).hasValueSatisfying(job -> assertThat(Jobs.ownedBy(job, again)).isTrue());
  }

  @Test
  void aJobOfTheSameNameThatIsNotLifeboatsIsNeverDeleted() {
    jobs.createOnce(desired(request, false));
    client.resource(request).delete();
    RestoreRequest again = harness.create(Fixtures.restoreFromPolicy("restore-memory"));

    assertThatThrownBy(() -> jobs.findOrCreate(again, Fixtures.NAMESPACE, NAME, () -> desired(again, true)))
        .hasMessageContaining("Job rose/" + NAME + " exists and is not Lifeboat's");
    assertThat(jobs.find(Fixtures.NAMESPACE, NAME)).isPresent();
  }
}
