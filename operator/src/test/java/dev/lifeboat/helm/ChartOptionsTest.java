package dev.lifeboat.helm;

import static dev.lifeboat.helm.Charts.NAMESPACE;
import static dev.lifeboat.helm.Charts.env;
import static dev.lifeboat.helm.Charts.operatorContainer;
import static dev.lifeboat.helm.Charts.parse;
import static dev.lifeboat.helm.Charts.podSpec;
import static dev.lifeboat.helm.Charts.render;
import static dev.lifeboat.helm.Charts.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values an administrator sets for the operator's pod: availability, registries, environment, logging. */
class ChartOptionsTest {

  @Test
  void aStandbyReplicaGetsAPodDisruptionBudgetKeepingOnePodUp() {
    List<HasMetadata> objects = parse(render(t -> t.set("replicaCount", 2)));
    PodDisruptionBudget budget = single(objects, PodDisruptionBudget.class);
    Deployment deployment = single(objects, Deployment.class);

    assertThat(budget.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void aSingleReplicaGetsNoPodDisruptionBudgetThatWouldBlockNodeDrains() {
    assertThat(parse(render(t -> t))).noneMatch(o -> o instanceof PodDisruptionBudget);
    assertThat(parse(render(t -> t.set("replicaCount", 1).set("leaderElection.enabled", true))))
        .noneMatch(o -> o instanceof PodDisruptionBudget);
    assertThat(parse(render(t -> t.set("replicaCount", 3).set("podDisruptionBudget.enabled", false))))
        .noneMatch(o -> o instanceof PodDisruptionBudget);
  }

  @Test
  void pullSecretsReachTheOperatorPodAndByDefaultTheJobs() {
    Deployment deployment = single(parse(render(t -> t
        .set("imagePullSecrets[0].name", "regcred")
        .set("imagePullSecrets[1].name", "mirror"))), Deployment.class);

    assertThat(podSpec(deployment).getImagePullSecrets()).extracting(LocalObjectReference::getName)
        .containsExactly("regcred", "mirror");
    assertThat(env(operatorContainer(deployment))).containsEntry("LIFEBOAT_AGENT_IMAGE_PULL_SECRETS", "regcred,mirror");
  }

  @Test
  void jobsCanPullWithOtherSecretsOrNone(@TempDir Path dir) throws IOException {
    Path noJobSecrets = Files.writeString(dir.resolve("values.yaml"), "agentImagePullSecrets: []\n");
    Deployment other = single(parse(render(t -> t
        .set("imagePullSecrets[0].name", "regcred")
        .set("agentImagePullSecrets[0].name", "tenant-regcred"))), Deployment.class);
    Deployment none = single(parse(render(t -> t
        .set("imagePullSecrets[0].name", "regcred")
        .withValuesFile(noJobSecrets))), Deployment.class);

    assertThat(env(operatorContainer(other))).containsEntry("LIFEBOAT_AGENT_IMAGE_PULL_SECRETS", "tenant-regcred");
    assertThat(env(operatorContainer(none))).containsEntry("LIFEBOAT_AGENT_IMAGE_PULL_SECRETS", "");
    assertThat(env(operatorContainer(single(parse(render(t -> t)), Deployment.class))))
        .containsEntry("LIFEBOAT_AGENT_IMAGE_PULL_SECRETS", "");
  }

  @Test
  void extraEnvAndArgsFollowTheChartsOwn() {
    Deployment deployment = single(parse(render(t -> t
        .set("extraEnv[0].name", "JAVA_TOOL_OPTIONS")
        .set("extraEnv[0].value", "-XX:+ExitOnOutOfMemoryError")
        .set("extraArgs[0]", "--help"))), Deployment.class);

    assertThat(env(operatorContainer(deployment))).containsEntry("JAVA_TOOL_OPTIONS", "-XX:+ExitOnOutOfMemoryError")
        .containsKey("LIFEBOAT_LOG_FORMAT");
    assertThat(operatorContainer(deployment).getArgs()).containsExactly("operator", "--help");
  }

  @Test
  void extraEnvMayNotRedefineAVariableTheChartSets() {
    assertThatThrownBy(() -> render(t -> t
        .set("extraEnv[0].name", "LIFEBOAT_LOG_FORMAT")
        .set("extraEnv[0].value", "text")))
        .hasMessageContaining("extraEnv: LIFEBOAT_LOG_FORMAT is set by the chart");
  }

  @Test
  void logLevelReachesTheOperatorAndOnlyKnownLevelsAreAccepted() {
    assertThat(env(operatorContainer(single(parse(render(t -> t)), Deployment.class))))
        .containsEntry("LIFEBOAT_LOG_LEVEL", "info");
    assertThat(env(operatorContainer(single(parse(render(t -> t.set("logLevel", "debug"))), Deployment.class))))
        .containsEntry("LIFEBOAT_LOG_LEVEL", "debug");
    assertThatThrownBy(() -> render(t -> t.set("logLevel", "verbose"))).hasMessageContaining("logLevel");
  }
}
