package dev.lifeboat.operator;

import dev.lifeboat.common.AgentImage;
import dev.lifeboat.common.ControllerSettings;
import dev.lifeboat.common.CrossNamespaceRestore;
import dev.lifeboat.common.PrivilegedJobs;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's configuration, read from environment variables the Helm chart sets.
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param agentImage image of the backup and restore Jobs (the same jar holds the agent) and its pull Secrets
 * @param leaderElection whether to take a Lease before reconciling (needed with replicas > 1)
 * @param leaseNamespace namespace of the Lease; empty means the client's namespace
 * @param leaseTerms how the Lease is held: JOSDK's defaults, shortened by tests
 * @param logFormat text or json
 * @param crossNamespaceRestore whose backups a RestoreRequest may read besides its own namespace's
 * @param healthPort port of /healthz, /readyz and /metrics; 0 disables them
 * @param privilegedJobs namespaces whose Jobs may run as root with the ownership capabilities
 * @param webhook where notifications are posted; null for none
 * @param hooksEnabled whether policies may have hooks (the operator then execs into pods: the chart's hooks.enabled)
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    AgentImage agentImage,
    boolean leaderElection,
    String leaseNamespace,
    LeaseTerms leaseTerms,
    String logFormat,
    CrossNamespaceRestore crossNamespaceRestore,
    int healthPort,
    PrivilegedJobs privilegedJobs,
    Webhook webhook,
    boolean hooksEnabled) {

  /**
   * Where notifications go: the URL in key {@code key} of Secret {@code secret} in the operator's own
   * namespace {@code namespace}; null when not configured.
   */
  public record Webhook(String namespace, String secret, String key) {}

  /**
   * How the Lease is held: for {@code duration} after each renewal, renewed within
   * {@code renewDeadline} or leadership is given up, tried every {@code retryPeriod}.
   *
   * @param identity the holder's name in the Lease; empty means JOSDK's choice (the pod's name)
   */
  public record LeaseTerms(String identity, Duration duration, Duration renewDeadline, Duration retryPeriod) {
    /** JOSDK's defaults: held 15 s, renewed within 10 s, tried every 2 s. */
    public static final LeaseTerms DEFAULT = new LeaseTerms("", LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE, LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE);
  }

  public static final String LEASE_NAME = "lifeboat-operator";
  public static final String DEFAULT_AGENT_IMAGE = "ghcr.io/lifeboat-dev/lifeboat:0.1.0";

  /** The levels LIFEBOAT_LOG_LEVEL may name (logback would read anything else as debug). */
  public static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String level = nonBlank(env.get("LIFEBOAT_LOG_LEVEL"), "info");
    if (!LOG_LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("LIFEBOAT_LOG_LEVEL is \"" + level + "\"; use one of " + String.join(", ", LOG_LEVELS));
    }
    return new OperatorSettings(
        Arrays.stream(env.getOrDefault("LIFEBOAT_WATCH_NAMESPACES", "").split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()),
        AgentImage.of(nonBlank(env.get("LIFEBOAT_AGENT_IMAGE"), DEFAULT_AGENT_IMAGE),
            env.get("LIFEBOAT_AGENT_IMAGE_PULL_SECRETS")),
        Boolean.parseBoolean(env.getOrDefault("LIFEBOAT_LEADER_ELECTION", "false")),
        nonBlank(env.get("LIFEBOAT_LEADER_ELECTION_NAMESPACE"), ""),
        LeaseTerms.DEFAULT,
        nonBlank(env.get("LIFEBOAT_LOG_FORMAT"), "text"),
        CrossNamespaceRestore.parse(env.get("LIFEBOAT_ALLOW_CROSS_NAMESPACE_RESTORE")),
        Integer.parseInt(nonBlank(env.get("LIFEBOAT_HEALTH_PORT"), "8080")),
        PrivilegedJobs.parse(env.get("LIFEBOAT_PRIVILEGED_JOB_NAMESPACES")),
        webhook(env),
        Boolean.parseBoolean(env.getOrDefault("LIFEBOAT_HOOKS_ENABLED", "false")));
  }

  /** LIFEBOAT_WEBHOOK_SECRET (and _KEY, default url) in LIFEBOAT_NAMESPACE, the pod's own. */
  private static Webhook webhook(Map<String, String> env) {
    String secret = nonBlank(env.get("LIFEBOAT_WEBHOOK_SECRET"), "");
    if (secret.isEmpty()) {
      return null;
    }
    String namespace = nonBlank(env.get("LIFEBOAT_NAMESPACE"), "");
    if (namespace.isEmpty()) {
      throw new IllegalArgumentException("LIFEBOAT_WEBHOOK_SECRET needs LIFEBOAT_NAMESPACE, the operator's own namespace"
          + " (the chart sets it from the pod's metadata.namespace)");
    }
    return new Webhook(namespace, secret, nonBlank(env.get("LIFEBOAT_WEBHOOK_SECRET_KEY"), "url"));
  }

  /** Settings for running in-process (tests, the sandbox): all namespaces, no lease, no HTTP port. */
  public static OperatorSettings embedded(String agentImage) {
    return new OperatorSettings(Set.of(), AgentImage.of(agentImage), false, "", LeaseTerms.DEFAULT, "text", CrossNamespaceRestore.DENIED, 0,
        PrivilegedJobs.NONE, null, false);
  }

  /** The same settings with another cross-namespace restore rule (the sandbox's --allow-cross-namespace-restore, tests). */
  public OperatorSettings withCrossNamespaceRestore(CrossNamespaceRestore rule) {
    return new OperatorSettings(watchNamespaces, agentImage, leaderElection, leaseNamespace, leaseTerms, logFormat, rule, healthPort,
        privilegedJobs, webhook, hooksEnabled);
  }

  /** The same settings with privileged Jobs allowed in these namespaces (the sandbox's option, tests). */
  public OperatorSettings withPrivilegedJobs(PrivilegedJobs allowed) {
    return new OperatorSettings(watchNamespaces, agentImage, leaderElection, leaseNamespace, leaseTerms, logFormat,
        crossNamespaceRestore, healthPort, allowed, webhook, hooksEnabled);
  }

  /** The same settings with another port for /healthz, /readyz and /metrics (the sandbox's --operator-port). */
  public OperatorSettings withHealthPort(int port) {
    return new OperatorSettings(watchNamespaces, agentImage, leaderElection, leaseNamespace, leaseTerms, logFormat,
        crossNamespaceRestore, port, privilegedJobs, webhook, hooksEnabled);
  }

  /** The same settings with notifications to this webhook (tests). */
  public OperatorSettings withWebhook(Webhook target) {
    return new OperatorSettings(watchNamespaces, agentImage, leaderElection, leaseNamespace, leaseTerms, logFormat,
        crossNamespaceRestore, healthPort, privilegedJobs, target, hooksEnabled);
  }

  /** The same settings with leader election on, the Lease in {@code namespace} held on {@code terms} (tests). */
  public OperatorSettings withLeaderElection(String namespace, LeaseTerms terms) {
    return new OperatorSettings(watchNamespaces, agentImage, true, namespace, terms, logFormat, crossNamespaceRestore,
        healthPort, privilegedJobs, webhook, hooksEnabled);
  }

  /** The same settings with hooks allowed or not (the sandbox's option, tests). */
  public OperatorSettings withHooksEnabled(boolean enabled) {
    return new OperatorSettings(watchNamespaces, agentImage, leaderElection, leaseNamespace, leaseTerms, logFormat,
        crossNamespaceRestore, healthPort, privilegedJobs, webhook, enabled);
  }

  /** What both controllers need of these settings. */
  public ControllerSettings controllers() {
    return new ControllerSettings(agentImage, crossNamespaceRestore, privilegedJobs, hooksEnabled);
  }

  private static String nonBlank(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
