package dev.lifeboat.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** A policy's namespace and name: the labels of its series. */
record PolicyKey(String namespace, String name) {
  static PolicyKey of(HasMetadata object) {
    return new PolicyKey(object.getMetadata().getNamespace(), object.getMetadata().getName());
  }
}
