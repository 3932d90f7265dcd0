package dev.lifeboat.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  @Test
  void hooksAreOffUnlessTheChartTurnsThemOn() {
    assertThat(OperatorSettings.fromEnvironment(Map.of()).controllers().hooksEnabled()).isFalse();
    assertThat(OperatorSettings.fromEnvironment(Map.of("LIFEBOAT_HOOKS_ENABLED", "false")).controllers().hooksEnabled())
        .isFalse();
    assertThat(OperatorSettings.fromEnvironment(Map.of("LIFEBOAT_HOOKS_ENABLED", "true")).controllers().hooksEnabled())
        .isTrue();
  }

  @Test
  void jobsPullTheAgentImageWithTheSecretsTheChartNames() {
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of("LIFEBOAT_AGENT_IMAGE", "registry.example/lifeboat:1",
        "LIFEBOAT_AGENT_IMAGE_PULL_SECRETS", "regcred, mirror"));

    assertThat(settings.controllers().agentImage().name()).isEqualTo("registry.example/lifeboat:1");
    assertThat(settings.controllers().agentImage().pullSecrets()).containsExactly("regcred", "mirror");
    assertThat(OperatorSettings.fromEnvironment(Map.of("LIFEBOAT_AGENT_IMAGE_PULL_SECRETS", "")).agentImage().pullSecrets())
        .isEmpty();
  }

  @Test
  void anUnknownLogLevelIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("LIFEBOAT_LOG_LEVEL", "verbose")))
        .hasMessage("LIFEBOAT_LOG_LEVEL is \"verbose\"; use one of error, warn, info, debug, trace");
    assertThat(OperatorSettings.fromEnvironment(Map.of("LIFEBOAT_LOG_LEVEL", "DEBUG"))).isNotNull();
  }

  @Test
  void theSandboxAndTestsCanTurnHooksOn() {
    assertThat(OperatorSettings.embedded("lifeboat:test").withHooksEnabled(true).controllers().hooksEnabled()).isTrue();
  }
}
