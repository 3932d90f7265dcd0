package dev.lifeboat.common;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.function.Supplier;

/**
 * Status is built on a deep copy (the cached resource is never mutated) and written only when it
 * changed. Shared by both controllers, which write their status whole.
 */
public final class StatusCopy {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StatusCopy() {}

  public static <S> S of(S status, Supplier<S> empty) {
    return status == null ? empty.get() : SERIALIZATION.clone(status);
  }

  public static boolean same(Object before, Object after) {
    return before != null && SERIALIZATION.convertValue(before, JsonNode.class)
        .equals(SERIALIZATION.convertValue(after, JsonNode.class));
  }

  /**
   * Replaces the whole status on the object last read (locked to its resourceVersion) when it
   * differs from {@code before}; returns the object as now stored. Not UpdateControl.patchStatus:
   * JOSDK diffs against its cached copy, which may be older than what was read, and its list edits
   * would then land on the wrong elements.
   */
  public static <S, R extends CustomResource<?, S>> R writeIfChanged(KubernetesClient client, R resource, S before,
      S status) {
    return same(before, status) ? resource : client.resource(withStatus(resource, status)).updateStatus();
  }

  public static <S, R extends CustomResource<?, S>> R withStatus(R resource, S status) {
    R copy = SERIALIZATION.clone(resource);
    copy.setStatus(status);
    return copy;
  }
}
