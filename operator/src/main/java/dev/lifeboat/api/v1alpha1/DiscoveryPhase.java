package dev.lifeboat.api.v1alpha1;

/** The phase of a policy's one-time listing of its repository (status.discovery.phase). */
public enum DiscoveryPhase {
  Running,
  Succeeded,
  Failed
}
