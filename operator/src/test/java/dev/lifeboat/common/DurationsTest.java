package dev.lifeboat.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "26h,   PT26H",
      "45d,   PT1080H",
      "1d12h, PT36H",
      "2w,    PT336H",
      "90m,   PT1H30M",
      "30s,   PT30S",
      "1h30m, PT1H30M",
      "0h5m,  PT5M",
  })
  void theFormsUsersWriteParse(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"26 hours", "", "h", "26", "1.5h", "-1h", "26H", "P1D", " 26h"})
  void otherTextIsRejectedWithTheTextInTheMessage(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' is not a duration such as 26h, 45d or 1d12h");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0h", "0s", "0d0h"})
  void zeroIsRejectedWithTheTextInTheMessage(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' is zero; a duration must be positive");
  }

  @Test
  void nullIsRejected() {
    assertThatThrownBy(() -> Durations.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a duration");
  }

  @ParameterizedTest
  @CsvSource({
      "PT45S,        45s",
      "PT12M,        12m",
      "PT12M30S,     12m",
      "PT26H,        26h",
      "PT27H30M,     27h30m",
      "PT102H,       4d6h",
      "PT72H,        3d",
      "PT71H59M,     71h59m",
      "PT0S,         0s",
      "PT-5M,        0s",
  })
  void formatGivesTheShortHumanForm(String duration, String expected) {
    assertThat(Durations.format(Duration.parse(duration))).isEqualTo(expected);
  }

  @Test
  void formatOfParseGivesTheSameTextForCanonicalForms() {
    for (String text : new String[] {"45s", "12m", "26h", "27h30m", "4d6h"}) {
      assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
    }
  }
}
