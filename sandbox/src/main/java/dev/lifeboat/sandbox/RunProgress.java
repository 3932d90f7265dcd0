package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Lifeboat;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.common.JobOutcomeReader;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What happens while {@code run} waits, one line each, as {@code kubectl get -w} and {@code kubectl
 * get events -w} would show it: Lifeboat's Jobs starting and ending (with where their log is), a
 * condition or phase of a BackupPolicy or RestoreRequest changing, and every Event recorded. Its
 * watches also wake {@code --until} waits ({@link #awaitChange}).
 */
final class RunProgress implements AutoCloseable {
  private final PrintStream out;
  private final Path state;
  private final long started = System.nanoTime();
  /** A permit per change of a BackupPolicy or RestoreRequest: what an {@code --until} wait wakes on. */
  private final Semaphore changes = new Semaphore(0);
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  /** What was last printed of each object ({@code kind/ns/name} or {@code ...=TYPE}), so a line says a change. */
  private final Map<String, String> seen = new ConcurrentHashMap<>();

  private RunProgress(PrintStream out, Path state) {
    this.out = out;
    this.state = state;
  }

  static RunProgress watch(KubernetesClient client, Path state, PrintStream out) {
    RunProgress progress = new RunProgress(out, state);
    progress.informers.add(client.batch().v1().jobs().inAnyNamespace()
        .withLabel(Lifeboat.MANAGED_BY_LABEL, Lifeboat.MANAGED_BY_VALUE).inform(new OnAddOrUpdate<>(progress::job)));
    progress.informers.add(client.resources(BackupPolicy.class).inAnyNamespace().inform(new OnAddOrUpdate<>(p -> {
      progress.conditions(p, p.getStatus() == null ? null : p.getStatus().conditions);
      progress.changes.release();
    }, p -> progress.changes.release())));
    progress.informers.add(client.resources(RestoreRequest.class).inAnyNamespace().inform(new OnAddOrUpdate<>(r -> {
      if (r.getStatus() != null && r.getStatus().phase != null) {
        progress.changed(id(r) + "/phase", "phase " + r.getStatus().phase
            + (r.getStatus().message == null ? "" : ": " + r.getStatus().message), id(r));
      }
      progress.conditions(r, r.getStatus() == null ? null : r.getStatus().conditions);
      progress.changes.release();
    }, r -> progress.changes.release())));
    progress.informers.add(client.v1().events().inAnyNamespace().inform(new OnAddOrUpdate<>(progress::event)));
    return progress;
  }

  /**
   * Waits until a BackupPolicy or RestoreRequest was added, changed or deleted since the last call
   * (at once if one was), or {@code max} passed.
   */
  void awaitChange(Duration max) throws InterruptedException {
    if (changes.tryAcquire(Math.max(0, max.toNanos()), TimeUnit.NANOSECONDS)) {
      changes.drainPermits(); // one look covers every change so far
    }
  }

  private void job(Job job) {
    String name = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    if (!JobOutcomeReader.finished(job)) {
      changed("job/" + name, "started", "job/" + name);
      return;
    }
    boolean failed = job.getStatus().getConditions().stream()
        .anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()));
    Path pods = state.resolve("pods").resolve(job.getMetadata().getNamespace());
    changed("job/" + name, failed ? "failed; its pods' logs: " + pods + "/" + job.getMetadata().getName()
        + "-*/containers/*/container.log" : "succeeded", "job/" + name);
  }

  private void conditions(HasMetadata object, List<Condition> conditions) {
    for (Condition c : conditions == null ? List.<Condition>of() : conditions) {
      changed(id(object) + "=" + c.getType(), c.getType() + "=" + c.getStatus() + " " + c.getReason()
          + (c.getMessage() == null ? "" : ": " + c.getMessage()), id(object));
    }
  }

  private void event(Event event) {
    var about = event.getInvolvedObject();
    String what = about == null ? "" : about.getKind().toLowerCase(Locale.ROOT) + "/" + about.getNamespace() + "/"
        + about.getName();
    // An Event seen again (count raised) prints again: it happened again.
    if (changed("event/" + event.getMetadata().getNamespace() + "/" + event.getMetadata().getName(),
        String.valueOf(event.getCount()))) {
      print("event " + what + ": " + event.getType() + " " + event.getReason() + ": " + event.getMessage());
    }
  }

  /** Prints {@code subject: value} when {@code value} is not what was last seen under {@code key}. */
  private void changed(String key, String value, String subject) {
    if (changed(key, value)) {
      print(subject + ": " + value);
    }
  }

  private boolean changed(String key, String value) {
    return !Objects.equals(seen.put(key, value), value);
  }

  private synchronized void print(String line) {
    out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
  }

  private static String id(HasMetadata object) {
    return object.getKind().toLowerCase(Locale.ROOT) + "/" + object.getMetadata().getNamespace() + "/"
        + object.getMetadata().getName();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
