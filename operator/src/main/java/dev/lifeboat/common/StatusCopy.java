package dev.lifeboat.common;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.CustomResource;
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

  public static <S, R extends CustomResource<?, S>> R withStatus(R resource, S status) {
    R copy = SERIALIZATION.clone(resource);
    copy.setStatus(status);
    return copy;
  }
}
