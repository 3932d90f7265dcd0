package dev.lifeboat.operator;

import static org.assertj.core.api.Assertions.assertThat;

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
  void theSandboxAndTestsCanTurnHooksOn() {
    assertThat(OperatorSettings.embedded("lifeboat:test").withHooksEnabled(true).controllers().hooksEnabled()).isTrue();
  }
}
