package dev.lifeboat;

/**
 * Chooses the log format before the first logger exists: the operator logs JSON when
 * LIFEBOAT_LOG_FORMAT=json, at LIFEBOAT_LOG_LEVEL (its own lines; default info); the agent logs to
 * stderr so its stdout stays the user-facing summary.
 */
final class LogSetup {
  private LogSetup() {}

  /** The operator SDK's switch for putting the reconciled resource into the MDC (its default is on). */
  static final String SDK_MDC = "JAVA_OPERATOR_SDK_USE_MDC";

  static void configure(String[] args) {
    // The JSON log shows the MDC: each reconcile's lines name their resource. Kept if set otherwise.
    if (System.getProperty(SDK_MDC) == null) {
      System.setProperty(SDK_MDC, "true");
    }
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    boolean agent = args.length > 0 && args[0].equals("agent");
    boolean json = "json".equalsIgnoreCase(System.getenv("LIFEBOAT_LOG_FORMAT"));
    String config = agent ? "logback-agent.xml" : json ? "logback-json.xml" : "logback-text.xml";
    System.setProperty("logback.configurationFile", config);
  }
}
