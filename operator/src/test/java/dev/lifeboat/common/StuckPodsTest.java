package dev.lifeboat.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading hand-built pods as the kubelet and scheduler leave them: stuck or not, since when, and why. */
class StuckPodsTest {
  static final Instant CREATED = Instant.parse("2025-11-09T02:00:00Z");
  static final Instant STARTED = Instant.parse("2025-11-09T02:00:03Z");
  static final Job JOB = new JobBuilder().withNewMetadata().withName("rose-memory-20251109t020000z")
      .withNamespace("rose").endMetadata().build();

  /** A Pending pod on a node whose agent container waits with {@code reason}. */
  static Pod waiting(String reason, String message) {
    return new PodBuilder(pending()).editStatus().withStartTime(Times.rfc3339(STARTED))
        .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
        .addNewContainerStatus().withName("agent").withReady(false).withNewState().withNewWaiting()
        .withReason(reason).withMessage(message).endWaiting().endState().endContainerStatus()
        .endStatus().build();
  }

  static Pod pending() {
    return new PodBuilder().withNewMetadata().withName("rose-memory-20251109t020000z-x1z2q").withNamespace("rose")
        .withCreationTimestamp(Times.rfc3339(CREATED)).endMetadata()
        .withNewStatus().withPhase("Pending").endStatus().build();
  }

  static Pod unschedulable(Instant since, String message) {
    return new PodBuilder(pending()).editStatus().addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withMessage(message).withLastTransitionTime(Times.rfc3339(since)).endCondition()
        .endStatus().build();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "CreateContainerConfigError|secret \"s3-credentials\" not found",
      "CreateContainerConfigError|couldn't find key AWS_SECRET_ACCESS_KEY in Secret rose/s3-credentials",
      "ErrImagePull|rpc error: code = NotFound desc = failed to pull and unpack image \"ghcr.io/lifeboat/lifeboat:nope\"",
      "ImagePullBackOff|Back-off pulling image \"ghcr.io/lifeboat/lifeboat:nope\"",
      "InvalidImageName|Failed to apply default image tag \"Lifeboat:1\": couldn't parse image reference",
  })
  void aWaitingReasonIsTroubleFromThePodsStartAndStuckTwoMinutesLater(String reason, String message) {
    StuckPods.Start start = StuckPods.of(waiting(reason, message));

    assertThat(start.started()).isFalse();
    assertThat(start.onItsWay()).isFalse();
    assertThat(start.trouble().cause()).isEqualTo(reason);
    assertThat(start.trouble().message()).isEqualTo("container agent: " + message);
    assertThat(start.trouble().since()).as("status.startTime").isEqualTo(STARTED);
    assertThat(start.trouble().stuckAt()).isEqualTo(STARTED.plus(Duration.ofMinutes(2)));

    Instant justBefore = STARTED.plus(Duration.ofMinutes(2)).minusSeconds(1);
    assertThat(start.stuck(JOB, justBefore)).isEmpty();
    assertThat(start.stuckAt(justBefore)).contains(STARTED.plus(Duration.ofMinutes(2)));
    assertThat(start.recheck(justBefore, Duration.ofSeconds(15))).as("wakes at the threshold").isEqualTo(Duration.ofSeconds(1));

    Instant atThreshold = STARTED.plus(Duration.ofMinutes(2));
    assertThat(start.stuck(JOB, atThreshold)).hasValueSatisfying(problem -> {
      assertThat(problem.reason()).isEqualTo(Reasons.JOB_CANNOT_START);
      assertThat(problem.message()).isEqualTo("Job rose-memory-20251109t020000z cannot start: container agent: " + message
          + " (" + reason + " for 2m)");
    });
    assertThat(start.stuckAt(atThreshold)).as("no wake-up once stuck").isEmpty();
  }

  @Test
  void withoutAStartTimeTheWaitIsCountedFromThePodsCreation() {
    Pod pod = waiting("CreateContainerConfigError", "secret \"s3-credentials\" not found");
    pod.getStatus().setStartTime(null);

    assertThat(StuckPods.of(pod).trouble().since()).isEqualTo(CREATED);
  }

  @Test
  void theMessageSaysHowLongItLastedWhenSeenLate() {
    StuckPods.Start start = StuckPods.of(waiting("ImagePullBackOff", "Back-off pulling image \"x\""));

    assertThat(start.stuck(JOB, STARTED.plus(Duration.ofMinutes(95))).orElseThrow().message())
        .endsWith("(ImagePullBackOff for 1h35m)");
  }

  @Test
  void aWaitingReasonWithoutAMessageNamesTheReason() {
    assertThat(StuckPods.of(waiting("ErrImagePull", null)).trouble().message()).isEqualTo("container agent: ErrImagePull");
  }

  /** The agent runs and waits for the dump container, whose image cannot be pulled: the pod never ends by itself. */
  @Test
  void aDumpContainerThatCannotStartBesideARunningAgentIsTroubleNamingTheContainerAndItsImage() {
    Pod pod = new PodBuilder(pending()).withNewSpec()
        .addNewInitContainer().withName("lifeboat-setup").withImage("ghcr.io/lifeboat-dev/lifeboat:0.1.0").endInitContainer()
        .addNewContainer().withName("agent").withImage("ghcr.io/lifeboat-dev/lifeboat:0.1.0").endContainer()
        .addNewContainer().withName("dump-tzurot-db").withImage("postgres:99").endContainer().endSpec()
        .editStatus().withStartTime(Times.rfc3339(STARTED))
        .addNewInitContainerStatus().withName("lifeboat-setup").withNewState().withNewTerminated().withExitCode(0)
        .endTerminated().endState().endInitContainerStatus()
        .addNewContainerStatus().withName("agent").withNewState().withNewRunning().withStartedAt(Times.rfc3339(STARTED))
        .endRunning().endState().endContainerStatus()
        .addNewContainerStatus().withName("dump-tzurot-db").withNewState().withNewWaiting().withReason("ImagePullBackOff")
        .withMessage("Back-off pulling image \"postgres:99\"").endWaiting().endState().endContainerStatus()
        .endStatus().build();

    StuckPods.Start start = StuckPods.of(pod);

    assertThat(start.started()).isFalse();
    assertThat(start.stuck(JOB, STARTED.plus(Duration.ofMinutes(2)))).hasValueSatisfying(problem ->
        assertThat(problem.message()).isEqualTo("Job rose-memory-20251109t020000z cannot start: container dump-tzurot-db"
            + " (image postgres:99): Back-off pulling image \"postgres:99\" (ImagePullBackOff for 2m)"));
  }

  @Test
  void aPodWhoseAgentRunsWhileADumpContainerIsStillBeingCreatedIsLookedAtAgain() {
    Pod pod = new PodBuilder(pending()).editStatus().withStartTime(Times.rfc3339(STARTED))
        .addNewContainerStatus().withName("agent").withNewState().withNewRunning().endRunning().endState()
        .endContainerStatus()
        .addNewContainerStatus().withName("dump-tzurot-db").withNewState().withNewWaiting().withReason("ContainerCreating")
        .endWaiting().endState().endContainerStatus().endStatus().build();

    StuckPods.Start start = StuckPods.of(pod);

    assertThat(start.started()).as("the dump's image may still fail to pull").isFalse();
    assertThat(start.onItsWay()).isTrue();
    assertThat(start.recheck(STARTED, Duration.ofSeconds(15))).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void aMissingSecretInADumpContainersEnvFromNamesTheContainerAndTheImageItsStatusReports() {
    Pod pod = new PodBuilder(pending()).editStatus().withStartTime(Times.rfc3339(STARTED))
        .addNewContainerStatus().withName("agent").withNewState().withNewRunning().endRunning().endState()
        .endContainerStatus()
        .addNewContainerStatus().withName("dump-tzurot-db").withImage("docker.io/library/postgres:16").withNewState()
        .withNewWaiting().withReason("CreateContainerConfigError").withMessage("secret \"tzurot-db\" not found")
        .endWaiting().endState().endContainerStatus().endStatus().build();

    assertThat(StuckPods.of(pod).trouble().message())
        .isEqualTo("container dump-tzurot-db (image docker.io/library/postgres:16): secret \"tzurot-db\" not found");
  }

  @Test
  void anUnschedulablePodIsStuckTenMinutesAfterThePodScheduledConditionTurnedFalse() {
    Instant since = CREATED.plusSeconds(1);
    String message = "0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) didn't match "
        + "Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    StuckPods.Start start = StuckPods.of(unschedulable(since, message));

    assertThat(start.trouble().cause()).isEqualTo("Unschedulable");
    assertThat(start.trouble().since()).isEqualTo(since);
    assertThat(start.stuck(JOB, since.plus(Duration.ofMinutes(9)))).isEmpty();
    assertThat(start.stuck(JOB, since.plus(Duration.ofMinutes(10)).minusSeconds(1))).isEmpty();
    assertThat(start.stuckAt(since.plus(Duration.ofMinutes(9)))).contains(since.plus(Duration.ofMinutes(10)));
    assertThat(start.stuck(JOB, since.plus(Duration.ofMinutes(10)))).hasValueSatisfying(problem ->
        assertThat(problem.message()).isEqualTo("Job rose-memory-20251109t020000z cannot start: " + message
            + " (Unschedulable for 10m)"));
  }

  @Test
  void aPodWaitingForSchedulingForAnotherReasonIsOnItsWay() {
    Pod gated = new PodBuilder(pending()).editStatus().addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("SchedulingGated").withLastTransitionTime(Times.rfc3339(CREATED)).endCondition().endStatus().build();

    assertThat(StuckPods.of(gated).onItsWay()).isTrue();
    assertThat(StuckPods.of(gated).stuck(JOB, CREATED.plus(Duration.ofDays(1)))).isEmpty();
  }

  @Test
  void aRunningPodIsNeverStuck() {
    Pod running = new PodBuilder(pending()).editStatus().withPhase("Running").withStartTime(Times.rfc3339(STARTED))
        .addNewContainerStatus().withName("agent").withNewState().withNewRunning().withStartedAt(Times.rfc3339(STARTED))
        .endRunning().endState().endContainerStatus().endStatus().build();

    StuckPods.Start start = StuckPods.of(running);
    assertThat(start.started()).isTrue();
    assertThat(start.onItsWay()).isFalse();
    assertThat(start.stuck(JOB, STARTED.plus(Duration.ofDays(2)))).isEmpty();
    assertThat(start.stuckAt(STARTED)).isEmpty();
  }

  @Test
  void aContainerThatRanOrEndedCountsAsStartedWhateverThePhaseSays() {
    Pod terminated = new PodBuilder(pending()).editStatus().addNewContainerStatus().withName("agent").withNewState()
        .withNewTerminated().withExitCode(1).endTerminated().endState().endContainerStatus().endStatus().build();
    Pod failed = new PodBuilder(pending()).editStatus().withPhase("Failed").endStatus().build();

    assertThat(StuckPods.of(terminated).started()).isTrue();
    assertThat(StuckPods.of(failed).started()).isTrue();
  }

  @Test
  void noPodAPodWithoutStatusAndAPodStillCreatingItsContainerAreOnTheirWay() {
    Pod creating = waiting("ContainerCreating", null);

    assertThat(StuckPods.of((Pod) null).onItsWay()).isTrue();
    assertThat(StuckPods.of(new PodBuilder(pending()).withStatus(null).build()).onItsWay()).isTrue();
    assertThat(StuckPods.of(pending()).onItsWay()).isTrue();
    assertThat(StuckPods.of(creating).onItsWay()).isTrue();
    assertThat(StuckPods.of(creating).stuck(JOB, STARTED.plus(Duration.ofHours(1)))).isEmpty();
    assertThat(StuckPods.of(creating).recheck(STARTED, Duration.ofSeconds(15))).isEqualTo(Duration.ofSeconds(15));
  }
}
