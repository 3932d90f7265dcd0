package dev.lifeboat.common;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them in specs: 26h, 45d, 1d12h, 90m, 2w. */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("([0-9]+[smhdw])+");
  private static final Pattern PART = Pattern.compile("([0-9]+)([smhdw])");

  private Durations() {}

  /** Parses a duration; throws IllegalArgumentException with the offending text. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 26h, 45d or 1d12h");
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total = total.plus(switch (part.group(2)) {
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        case "d" -> Duration.ofDays(amount);
        default -> Duration.ofDays(7 * amount);
      });
    }
    if (total.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is zero; a duration must be positive");
    }
    return total;
  }

  /** Short human form for messages: 45s, 12m, 26h, 27h30m, 4d6h (days only from 3 days on). */
  public static String format(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    if (hours >= 72) {
      return hours / 24 + "d" + (hours % 24 == 0 ? "" : hours % 24 + "h");
    }
    if (hours > 0) {
      return hours + "h" + (minutes == 0 ? "" : minutes + "m");
    }
    return minutes > 0 ? minutes + "m" : seconds + "s";
  }

}
