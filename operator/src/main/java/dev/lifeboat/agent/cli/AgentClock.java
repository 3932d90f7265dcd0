package dev.lifeboat.agent.cli;

import java.time.Clock;

/**
 * The clock every agent command reads: the system's, unless the process hosting the agent set
 * another before running it, as the sandbox does with its cluster's time-warped clock, so that a
 * manifest's times and retention's "now" are the cluster's, like the backup ids the operator gives.
 */
public final class AgentClock {
  private static volatile Clock clock = Clock.systemUTC();

  private AgentClock() {}

  public static Clock get() {
    return clock;
  }

  public static void use(Clock other) {
    clock = other;
  }
}
