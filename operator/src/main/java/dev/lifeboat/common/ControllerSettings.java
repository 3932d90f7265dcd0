package dev.lifeboat.common;

/**
 * What an administrator decides for both controllers (operator settings).
 *
 * @param agentImage image of the backup and restore Jobs, with its pull Secrets
 * @param crossNamespace whose backups a RestoreRequest may read besides its own namespace's
 * @param privilegedJobs namespaces whose Jobs run as root with the ownership capabilities
 * @param hooksEnabled whether the operator may exec into pods to run a policy's hooks
 */
public record ControllerSettings(AgentImage agentImage, CrossNamespaceRestore crossNamespace, PrivilegedJobs privilegedJobs,
    boolean hooksEnabled) {
  /** The defaults: no cross-namespace restores, no privileged Jobs, no hooks. */
  public static ControllerSettings of(String agentImage) {
    return new ControllerSettings(AgentImage.of(agentImage), CrossNamespaceRestore.DENIED, PrivilegedJobs.NONE, false);
  }
}
