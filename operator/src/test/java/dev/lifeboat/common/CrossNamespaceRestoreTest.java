package dev.lifeboat.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CrossNamespaceRestoreTest {
  @ParameterizedTest(name = "setting ''{0}'': {1} reads {2} -> {3}")
  @CsvSource(nullValues = "null", value = {
      "null,  rose, rose, true",
      "null,  rose, lily, false",
      "false, rose, lily, false",
      "true,  rose, lily, true",
      "*,     rose, lily, true",
      "'lily, tulip', rose, lily, true",
      "'lily, tulip', rose, daisy, false",
  })
  void ownNamespaceAlwaysOthersOnlyWhenTheSettingAllows(String setting, String restoreNamespace, String source,
      boolean allowed) {
    assertThat(CrossNamespaceRestore.parse(setting).allows(restoreNamespace, source)).isEqualTo(allowed);
  }
}
