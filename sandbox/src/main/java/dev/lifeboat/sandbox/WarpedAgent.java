package dev.lifeboat.sandbox;

import dev.lifeboat.Main;
import dev.lifeboat.agent.cli.AgentClock;
import java.time.Instant;
import java.util.Arrays;

/**
 * {@code WarpedAgent CLUSTER_TIME FACTOR lifeboat-args...}: the agent as a container of a
 * time-warped sandbox runs it, on the cluster's clock (at {@code CLUSTER_TIME} when started,
 * running {@code FACTOR} times as fast as the wall), so the times it records are the cluster's.
 */
final class WarpedAgent {
  private WarpedAgent() {}

  public static void main(String[] args) {
    AgentClock.use(new WarpedClock(Double.parseDouble(args[1]), Instant.parse(args[0])));
    Main.main(Arrays.copyOfRange(args, 2, args.length));
  }
}
