package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the namespace controller: when a Namespace is deleted ({@code kubectl delete namespace}),
 * everything in it is deleted too, as in a cluster: the app's objects, its claims (the sandbox keeps
 * their volumes' directories, as a Retain reclaim policy would), Secrets, and Lifeboat's policies and
 * requests, which the operator then cleans up after as on any deletion (a finalizer holds an object
 * until it has). The kinds are those the sandbox
 * serves; the objects go in the background, on one thread.
 *
 * <p>Not modelled: the Namespace's {@code Terminating} phase (here it is gone at once, before its
 * objects), refusing new objects in a namespace being deleted, and objects of kinds not listed.
 */
final class NamespaceController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceController.class);
  /** Lifeboat's kinds first, so that the operator sees its objects go before their Secrets and claims. */
  static final List<Class<? extends HasMetadata>> KINDS = List.of(BackupPolicy.class, RestoreRequest.class,
      Deployment.class, StatefulSet.class, CronJob.class, Job.class, Pod.class, VolumeSnapshot.class,
      PersistentVolumeClaim.class, Secret.class, ConfigMap.class, Service.class, ServiceAccount.class, Role.class,
      RoleBinding.class, Lease.class, Event.class, io.fabric8.kubernetes.api.model.events.v1.Event.class);

  private final KubernetesClient client;
  private final List<Class<? extends HasMetadata>> kinds;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "sandbox-namespace-controller");
    thread.setDaemon(true);
    return thread;
  });
  private SharedIndexInformer<Namespace> informer;

  NamespaceController(KubernetesClient client, List<Class<? extends HasMetadata>> kinds) {
    this.client = client;
    this.kinds = List.copyOf(kinds);
  }

  NamespaceController start() {
    informer = client.namespaces().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Namespace namespace) {
        // nothing to do: a namespace's objects need no namespace object here
      }

      @Override
      public void onUpdate(Namespace old, Namespace namespace) {
        // nothing to do
      }

      @Override
      public void onDelete(Namespace namespace, boolean finalStateUnknown) {
        worker.submit(() -> empty(namespace.getMetadata().getName()));
      }
    });
    return this;
  }

  private void empty(String namespace) {
    for (Class<? extends HasMetadata> kind : kinds) {
      try {
        client.resources(kind).inNamespace(namespace).delete();
      } catch (RuntimeException e) {
        LOG.warn("namespace controller: cannot delete the {}s of deleted namespace {}: {}", kind.getSimpleName(),
            namespace, e.toString());
      }
    }
    LOG.info("namespace controller: deleted everything in namespace {}", namespace);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    worker.shutdownNow();
  }
}
