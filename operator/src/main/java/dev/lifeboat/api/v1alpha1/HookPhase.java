package dev.lifeboat.api.v1alpha1;

/** Which list of spec.hooks a hook result belongs to. */
public enum HookPhase {
  before,
  after
}
