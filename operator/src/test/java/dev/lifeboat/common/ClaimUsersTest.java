package dev.lifeboat.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.ControllerTest;
import dev.lifeboat.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The users of a claim as the API server shows them: running pods first, else the workloads that name it. */
class ClaimUsersTest extends ControllerTest {
  static final String NS = Fixtures.NAMESPACE;

  ClaimUsers users() {
    return new ClaimUsers(client);
  }

  void runningPod(String name, String claim, long uid, String phase) {
    client.pods().inNamespace(NS).resource(new PodBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build())
        .withSpec(JobIdentityTest.pod(claim, uid, null).build())
        .withNewStatus().withPhase(phase).endStatus().build()).create();
  }

  @Test
  void aRunningPodThatMountsTheClaimGivesItsIdentity() {
    runningPod("rose-7d9f", Fixtures.CLAIM, 999L, "Running");

    var found = users().identity(NS, List.of(Fixtures.CLAIM));

    assertThat(found.value().describe()).isEqualTo("uid 999, gid 999, fsGroup 999 (from pod rose-7d9f)");
  }

  @Test
  void finishedPodsAndLifeboatsOwnJobsDoNotCount() {
    runningPod("rose-old", Fixtures.CLAIM, 1000L, "Succeeded");
    client.pods().inNamespace(NS).resource(new PodBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("rose-memory-20251109t020000z-abcde").withNamespace(NS)
            .addToLabels("app.kubernetes.io/managed-by", "lifeboat").build())
        .withSpec(JobIdentityTest.pod(Fixtures.CLAIM, 65532L, null).build())
        .withNewStatus().withPhase("Running").endStatus().build()).create();

    assertThat(users().identity(NS, List.of(Fixtures.CLAIM)).value()).isEqualTo(JobIdentity.Found.NONE);
  }

  @Test
  void aScaledDownDeploymentsTemplateGivesTheIdentity() {
    client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
        .withNewMetadata().withName("rose").withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "rose").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "rose").endMetadata()
        .withSpec(JobIdentityTest.pod(Fixtures.CLAIM, 999L, null).build()).endTemplate().endSpec().build()).create();

    assertThat(users().identity(NS, List.of(Fixtures.CLAIM)).value().describe()).endsWith("(from Deployment rose)");
  }

  @Test
  void aStatefulSetsVolumeClaimTemplateNamesItsOrdinalsClaims() {
    client.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder()
        .withNewMetadata().withName("pg").withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "pg").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "pg").endMetadata()
        .withNewSpec().withNewSecurityContext().withRunAsUser(999L).withFsGroup(999L).endSecurityContext()
        .addNewContainer().withName("postgres").withImage("postgres:16")
        .addNewVolumeMount().withName("pgdata").withMountPath("/var/lib/postgresql/data").endVolumeMount()
        .endContainer().endSpec().endTemplate()
        .addNewVolumeClaimTemplate().withNewMetadata().withName("pgdata").endMetadata().endVolumeClaimTemplate()
        .endSpec().build()).create();

    var found = users().identity(NS, List.of("pgdata-pg-0"));

    assertThat(found.value().describe()).isEqualTo("uid 999, fsGroup 999 (from StatefulSet pg)");
  }

  @Test
  void claimsWhoseUsersDisagreeLeaveTheDefault() {
    runningPod("rose-7d9f", Fixtures.CLAIM, 999L, "Running");
    runningPod("lily-5c6d", "lily-data", 1000L, "Running");

    var found = users().identity(NS, List.of(Fixtures.CLAIM, "lily-data"));

    assertThat(found.ok()).isFalse();
    assertThat(found.problem().message()).contains("uid 999").contains("uid 1000");
  }
}
