package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays Kubernetes' garbage collector for the kinds the sandbox and the operator create, with
 * background propagation: an object whose {@code metadata.ownerReferences} name only owners that
 * are gone is deleted, and its own dependents follow when its deletion comes back as an event
 * (a BackupPolicy's Jobs, then their pods; its temporary claims and VolumeSnapshots). An owner is
 * gone when the API server has no object of its kind, namespace and name with its uid (a new object
 * of the same name does not keep the dependents of the old one alive). An owner of a kind not watched here (a Deployment, say) is
 * taken to exist, so such dependents are never collected.
 *
 * <p>When it acts: on the deletion of any watched object (its dependents, found in the informers'
 * caches), on the creation or change of an object whose owners are all gone already (a dependent
 * created just after its owner was deleted), and once at {@link #start}, over every object of the
 * watched kinds (orphans left from before). All work runs on one thread, in order.
 *
 * <p>Not modelled: foreground deletion (the API server stand-in deletes an owner at once whatever
 * the propagation policy; its dependents then go in the background), {@code Orphan} propagation
 * (dependents are always collected), and owners in another namespace or cluster-scoped.
 */
final class GarbageCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
  /** The kinds watched: what Lifeboat's objects own and what owns them. */
  static final List<Class<? extends HasMetadata>> KINDS = List.of(BackupPolicy.class, RestoreRequest.class, Job.class,
      Pod.class, PersistentVolumeClaim.class, VolumeSnapshot.class);

  private final KubernetesClient client;
  private final List<Class<? extends HasMetadata>> kinds;
  private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "sandbox-garbage-collector");
    thread.setDaemon(true);
    return thread;
  });

  GarbageCollector(KubernetesClient client) {
    this(client, KINDS);
  }

  GarbageCollector(KubernetesClient client, List<Class<? extends HasMetadata>> kinds) {
    this.client = client;
    this.kinds = List.copyOf(kinds);
  }

  /** Watches the kinds, then deletes the orphans there are now (before returning). */
  GarbageCollector start() {
    for (Class<? extends HasMetadata> kind : kinds) {
      informers.add(inform(kind));
    }
    for (Class<? extends HasMetadata> kind : kinds) {
      for (HasMetadata object : client.resources(kind).inAnyNamespace().list().getItems()) {
        collectIfOrphan(kind, object);
      }
    }
    return this;
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(Class<T> kind) {
    return client.resources(kind).inAnyNamespace().inform(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T object) {
        if (hasOwners(object)) {
          worker.submit(() -> collectIfOrphan(kind, object));
        }
      }

      @Override
      public void onUpdate(T old, T object) {
        if (hasOwners(object) && !Objects.equals(old.getMetadata().getOwnerReferences(),
            object.getMetadata().getOwnerReferences())) {
          worker.submit(() -> collectIfOrphan(kind, object));
        }
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        worker.submit(() -> collectDependentsOf(object));
      }
    });
  }

  private static boolean hasOwners(HasMetadata object) {
    return object.getMetadata().getOwnerReferences() != null && !object.getMetadata().getOwnerReferences().isEmpty();
  }

  /** The dependents of a deleted object, as the caches know them, each collected unless another owner remains. */
  private void collectDependentsOf(HasMetadata owner) {
    String uid = owner.getMetadata().getUid();
    if (uid == null) {
      return;
    }
    for (int i = 0; i < informers.size(); i++) {
      Class<? extends HasMetadata> kind = kinds.get(i);
      for (HasMetadata object : informers.get(i).getStore().list()) {
        if (hasOwners(object) && Objects.equals(object.getMetadata().getNamespace(), owner.getMetadata().getNamespace())
            && object.getMetadata().getOwnerReferences().stream().anyMatch(ref -> uid.equals(ref.getUid()))) {
          collectIfOrphan(kind, object);
        }
      }
    }
  }

  /** Deletes {@code object} when every one of its owners is gone; an object without owners is never collected. */
  private void collectIfOrphan(Class<? extends HasMetadata> kind, HasMetadata object) {
    try {
      if (!hasOwners(object)) {
        return;
      }
      String namespace = object.getMetadata().getNamespace();
      for (OwnerReference ref : object.getMetadata().getOwnerReferences()) {
        if (ownerExists(namespace, ref)) {
          return;
        }
      }
      delete(kind, object);
    } catch (RuntimeException e) {
      LOG.warn("garbage collector: cannot collect {} {}/{}: {}", object.getKind(), object.getMetadata().getNamespace(),
          object.getMetadata().getName(), e.toString());
    }
  }

  /** Whether the owner is there: true for a kind not watched here, else an object of its name with its uid. */
  private boolean ownerExists(String namespace, OwnerReference ref) {
    Optional<Class<? extends HasMetadata>> kind = kindOf(ref);
    if (kind.isEmpty()) {
      return true;
    }
    HasMetadata owner = client.resources(kind.get()).inNamespace(namespace).withName(ref.getName()).get();
    return owner != null && Objects.equals(owner.getMetadata().getUid(), ref.getUid());
  }

  /** The watched kind an owner reference names: same kind and API group (any version). */
  private Optional<Class<? extends HasMetadata>> kindOf(OwnerReference ref) {
    String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return kinds.stream().filter(kind -> HasMetadata.getKind(kind).equals(ref.getKind())
        && Objects.toString(HasMetadata.getGroup(kind), "").equals(group)).findFirst();
  }

  /** Deletes the object if it is still the one seen (same uid), its own dependents in the background. */
  private void delete(Class<? extends HasMetadata> kind, HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    String name = object.getMetadata().getName();
    HasMetadata current = client.resources(kind).inNamespace(namespace).withName(name).get();
    if (current == null || !Objects.equals(current.getMetadata().getUid(), object.getMetadata().getUid())) {
      return;
    }
    LOG.info("garbage collector: deleting {} {}/{}, its owner {} is gone", HasMetadata.getKind(kind), namespace, name,
        object.getMetadata().getOwnerReferences().stream().map(ref -> ref.getKind() + " " + ref.getName()).toList());
    client.resources(kind).inNamespace(namespace).withName(name)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
  }

  /** Waits until the work queued so far is done (tests). */
  void settle() throws Exception {
    worker.submit(() -> {}).get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    worker.shutdownNow();
  }
}
