package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployments and StatefulSets get Running pods per spec.replicas, so scale-down can be played end to end. */
class WorkloadControllerTest {
  static final String NS = "notes";
  static final Duration PATIENCE = Duration.ofSeconds(20);
  @TempDir
  Path state;
  Sandbox sandbox;

  @BeforeEach
  void start() {
    sandbox = Sandbox.start(state, 0, 1);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  /** The pods the operator would wait on: those the workload's selector matches. */
  List<Pod> podsOfApp(String app) {
    return sandbox.client().pods().inNamespace(NS).withLabel("app", app).list().getItems();
  }

  void scaleByPatch(String kind, String name, int replicas) {
    var patch = PatchContext.of(PatchType.JSON_MERGE);
    String body = "{\"spec\":{\"replicas\":" + replicas + "}}";
    if (kind.equals("Deployment")) {
      sandbox.client().apps().deployments().inNamespace(NS).withName(name).patch(patch, body);
    } else {
      sandbox.client().apps().statefulSets().inNamespace(NS).withName(name).patch(patch, body);
    }
  }

  Deployment deployment(String name, Integer replicas) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).addToLabels("tier", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("notes:1").endContainer().endSpec()
        .endTemplate().endSpec().build();
  }

  @Test
  void aDeploymentGetsRunningPodsPerReplicasLosesThemAtZeroAndGetsOneBack() {
    Deployment created = sandbox.client().resource(deployment("notes", 2)).create();

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(podsOfApp("notes")).hasSize(2).allSatisfy(pod -> {
      assertThat(pod.getMetadata().getName()).matches("notes-[a-z0-9]{5}");
      assertThat(pod.getMetadata().getLabels()).containsEntry("tier", "web");
      assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
        assertThat(owner.getKind()).isEqualTo("Deployment");
        assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid());
      });
      assertThat(pod.getSpec().getNodeName()).isEqualTo("sandbox");
      assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> assertThat(c.getImage()).isEqualTo("notes:1"));
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    }));
    await().atMost(PATIENCE).untilAsserted(() -> {
      var status = sandbox.client().apps().deployments().inNamespace(NS).withName("notes").get().getStatus();
      assertThat(status.getReplicas()).isEqualTo(2);
      assertThat(status.getReadyReplicas()).isEqualTo(2);
    });

    scaleByPatch("Deployment", "notes", 0);
    await().atMost(PATIENCE).until(() -> podsOfApp("notes").isEmpty());
    await().atMost(PATIENCE).untilAsserted(() -> {
      var status = sandbox.client().apps().deployments().inNamespace(NS).withName("notes").get().getStatus();
      assertThat(status.getReplicas()).isZero();
      assertThat(status.getReadyReplicas()).as("omitted at zero, as a real API server does").isNull();
    });

    scaleByPatch("Deployment", "notes", 1);
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(podsOfApp("notes")).singleElement()
        .satisfies(pod -> assertThat(pod.getStatus().getPhase()).isEqualTo("Running")));
  }

  @Test
  void aStatefulSetsPodsAreNumberedFromZeroAndTheHighestGoFirst() {
    sandbox.client().resource(new StatefulSetBuilder().withNewMetadata().withName("db").withNamespace(NS).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "db").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata()
        .withNewSpec().addNewContainer().withName("db").withImage("postgres:16").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(podsOfApp("db")).as("no replicas means one")
        .extracting(p -> p.getMetadata().getName()).containsExactly("db-0"));

    scaleByPatch("StatefulSet", "db", 3);
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(podsOfApp("db"))
        .extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("db-0", "db-1", "db-2"));
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(
        sandbox.client().apps().statefulSets().inNamespace(NS).withName("db").get().getStatus().getReadyReplicas())
        .isEqualTo(3));

    scaleByPatch("StatefulSet", "db", 1);
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(podsOfApp("db"))
        .extracting(p -> p.getMetadata().getName()).containsExactly("db-0"));
  }

  @Test
  void aPodTheWorkloadDoesNotOwnIsLeftAloneEvenIfItsLabelsMatch() {
    sandbox.client().pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName("notes-debug").withNamespace(NS).addToLabels("app", "notes").endMetadata()
        .withNewSpec().addNewContainer().withName("shell").withImage("busybox").endContainer().endSpec()
        .build()).create();
    sandbox.client().resource(deployment("notes", 1)).create();
    await().atMost(PATIENCE).until(() -> podsOfApp("notes").size() == 2);

    scaleByPatch("Deployment", "notes", 0);

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(podsOfApp("notes"))
        .extracting(p -> p.getMetadata().getName()).containsExactly("notes-debug"));
  }

  @Test
  void deletingAWorkloadDeletesItsPods() {
    sandbox.client().resource(deployment("notes", 2)).create();
    await().atMost(PATIENCE).until(() -> podsOfApp("notes").size() == 2);

    sandbox.client().apps().deployments().inNamespace(NS).withName("notes").delete();

    await().atMost(PATIENCE).until(() -> podsOfApp("notes").isEmpty());
  }
}
