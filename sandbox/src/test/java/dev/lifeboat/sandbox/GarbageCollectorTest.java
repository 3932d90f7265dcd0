package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's garbage collector on its own, against an API server stand-in that already holds
 * objects when it starts (the sandbox's own starts empty): orphans are collected at start, and
 * their dependents after them; objects with an owner left, or an owner of a kind it does not
 * watch, stay.
 */
class GarbageCollectorTest {
  static final String NS = "rose";
  KubernetesMockServer server;
  KubernetesClient client;
  GarbageCollector collector;

  @BeforeEach
  void startServer() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
        false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    Sandbox.installCrds(client);
  }

  @AfterEach
  void stop() {
    if (collector != null) {
      collector.close();
    }
    client.close();
    server.destroy();
  }

  static OwnerReference owner(String apiVersion, String kind, String name, String uid) {
    return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(uid)
        .withController(true).withBlockOwnerDeletion(true).build();
  }

  static OwnerReference owner(HasMetadata object) {
    return owner(object.getApiVersion(), object.getKind(), object.getMetadata().getName(), object.getMetadata().getUid());
  }

  HasMetadata job(String name, OwnerReference... owners) {
    return client.resource(new JobBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .withOwnerReferences(owners).endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("agent").withImage("lifeboat")
        .endContainer().endSpec().endTemplate().endSpec().build()).create();
  }

  HasMetadata pod(String name, OwnerReference... owners) {
    return client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .withOwnerReferences(owners).endMetadata()
        .withNewSpec().addNewContainer().withName("agent").withImage("lifeboat").endContainer().endSpec().build())
        .create();
  }

  boolean exists(Class<? extends HasMetadata> kind, String name) {
    return client.resources(kind).inNamespace(NS).withName(name).get() != null;
  }

  @Test
  void atStartAnOrphanedJobIsCollectedThenItsPodsWhileObjectsWithAnOwnerLeftStay() throws Exception {
    BackupPolicy kept = new BackupPolicy();
    kept.getMetadata().setName("kept");
    kept.getMetadata().setNamespace(NS);
    kept = client.resource(kept).create();
    // A Job of a policy deleted while no garbage collector ran, and its pod.
    HasMetadata orphan = job("gone-backup-1", owner("lifeboat.dev/v1alpha1", "BackupPolicy", "gone", "uid-of-gone"));
    pod("gone-backup-1-abcde", owner(orphan));
    // A Job of a policy that is there; one owned by the deleted policy and the kept one; a Job owned by
    // an object of the same name as its owner but another uid (a policy deleted and created again).
    HasMetadata ofKept = job("kept-backup-1", owner(kept));
    pod("kept-backup-1-abcde", owner(ofKept));
    job("shared-backup-1", owner("lifeboat.dev/v1alpha1", "BackupPolicy", "gone", "uid-of-gone"), owner(kept));
    job("recreated-backup-1", owner("lifeboat.dev/v1alpha1", "BackupPolicy", "kept", "uid-of-the-old-kept"));
    // A pod of a Deployment (a kind not watched), a claim with no owner at all.
    pod("notes-7d4b9-x2x4z", owner("apps/v1", "ReplicaSet", "notes-7d4b9", "uid-of-a-replicaset"));
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("notes-data").withNamespace(NS)
        .endMetadata().build()).create();

    collector = new GarbageCollector(client).start();

    assertThat(exists(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "gone-backup-1")).isFalse();
    assertThat(exists(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "recreated-backup-1")).isFalse();
    await().atMost(Duration.ofSeconds(30))
        .until(() -> !exists(io.fabric8.kubernetes.api.model.Pod.class, "gone-backup-1-abcde"));
    collector.settle();
    assertThat(exists(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "kept-backup-1")).isTrue();
    assertThat(exists(io.fabric8.kubernetes.api.model.Pod.class, "kept-backup-1-abcde")).isTrue();
    assertThat(exists(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "shared-backup-1")).isTrue();
    assertThat(exists(io.fabric8.kubernetes.api.model.Pod.class, "notes-7d4b9-x2x4z")).isTrue();
    assertThat(exists(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class, "notes-data")).isTrue();
  }

  @Test
  void deletingAnOwnerDeletesItsDependentsAndTheirsButNotThoseWithAnotherOwnerLeft() throws Exception {
    collector = new GarbageCollector(client).start();
    BackupPolicy policy = new BackupPolicy();
    policy.getMetadata().setName("notes");
    policy.getMetadata().setNamespace(NS);
    policy = client.resource(policy).create();
    BackupPolicy other = new BackupPolicy();
    other.getMetadata().setName("other");
    other.getMetadata().setNamespace(NS);
    other = client.resource(other).create();
    HasMetadata job = job("notes-backup-1", owner(policy));
    pod("notes-backup-1-abcde", owner(job));
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("lb-notes-1-data").withNamespace(NS)
        .withOwnerReferences(owner(policy)).endMetadata().build()).create();
    VolumeSnapshot snapshot = new VolumeSnapshot();
    snapshot.setMetadata(new ObjectMetaBuilder().withName("lb-notes-1-data").withNamespace(NS)
        .withOwnerReferences(owner(policy)).build());
    client.resource(snapshot).create();
    job("shared-backup-1", owner(policy), owner(other));

    client.resource(policy).delete();

    await().atMost(Duration.ofSeconds(30)).until(() -> !exists(io.fabric8.kubernetes.api.model.Pod.class,
        "notes-backup-1-abcde") && !exists(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "notes-backup-1")
        && !exists(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class, "lb-notes-1-data")
        && !exists(VolumeSnapshot.class, "lb-notes-1-data"));
    collector.settle();
    assertThat(exists(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "shared-backup-1")).isTrue();
  }
}
