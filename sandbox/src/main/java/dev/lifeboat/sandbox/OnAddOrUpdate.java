package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/**
 * An informer handler for the sandbox's stand-in controllers, which act on the state an object is
 * in now whether it was just added or updated, and have nothing to do when it goes, or {@code gone}.
 */
record OnAddOrUpdate<T>(Consumer<T> action, Consumer<T> gone) implements ResourceEventHandler<T> {
  OnAddOrUpdate(Consumer<T> action) {
    this(action, object -> {});
  }

  @Override
  public void onAdd(T object) {
    action.accept(object);
  }

  @Override
  public void onUpdate(T old, T object) {
    action.accept(object);
  }

  @Override
  public void onDelete(T object, boolean finalStateUnknown) {
    gone.accept(object);
  }
}
