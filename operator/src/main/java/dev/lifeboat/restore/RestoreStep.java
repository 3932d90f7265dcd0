package dev.lifeboat.restore;

import java.time.Duration;
import java.util.Optional;

/**
 * The work of one {@link dev.lifeboat.api.v1alpha1.RestoreStage}. A step looks at the world, acts
 * at most once per look, and either moves the run to another stage (returning
 * {@link RestoreRun#next()}) or says how long to wait before looking again.
 */
interface RestoreStep {
  /** A missed Job event is made up for after this long. */
  Duration JOB_RECHECK = Duration.ofSeconds(15);

  Optional<Duration> advance(RestoreRun run);

  /** Whether the step needs the backup's source; when it cannot be resolved, the run fails first. */
  default boolean readsSource() {
    return true;
  }
}
