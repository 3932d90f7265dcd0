package dev.lifeboat.agent.ops;

final class AgentVersion {
  private AgentVersion() {}

  static String get() {
    String version = AgentVersion.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
