package dev.lifeboat.api.v1alpha1;

public enum RestoreMode {
  Replace,
  Merge
}
