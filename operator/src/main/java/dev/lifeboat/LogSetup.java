package dev.lifeboat;

/**
 * Chooses the log format before the first logger exists: the operator logs JSON when
 * LIFEBOAT_LOG_FORMAT=json; the agent logs to stderr so its stdout stays the user-facing summary.
 */
final class LogSetup {
  private LogSetup() {}

  static void configure(String[] args) {
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    boolean agent = args.length > 0 && args[0].equals("agent");
    boolean json = "json".equalsIgnoreCase(System.getenv("LIFEBOAT_LOG_FORMAT"));
    String config = agent ? "logback-agent.xml" : json ? "logback-json.xml" : "logback-text.xml";
    System.setProperty("logback.configurationFile", config);
  }
}
