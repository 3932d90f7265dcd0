package dev.lifeboat.retention;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A policy's retention rules: how many backups each GFS rule keeps (0 = rule off) and the pinned
 * backup ids that are never pruned.
 *
 * <p>The agent receives the counts on its command line as {@code --retention
 * keepLast=7,keepDaily=7,keepWeekly=4,keepMonthly=12} and the pins as repeated {@code --pin ID};
 * {@link #parse} and {@link #format} convert between that form and this record.
 */
public record RetentionRules(
    int keepLast,
    int keepHourly,
    int keepDaily,
    int keepWeekly,
    int keepMonthly,
    int keepYearly,
    Set<String> pinned) {

  /** The rule names of the command-line form, in canonical order. */
  private static final List<String> NAMES =
      List.of("keepLast", "keepHourly", "keepDaily", "keepWeekly", "keepMonthly", "keepYearly");

  private static final Pattern COUNT = Pattern.compile("[0-9]+");

  public RetentionRules {
    int[] counts = {keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly};
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException(NAMES.get(i) + " must be 0 or more, got " + counts[i]);
      }
    }
    // Sorted copy: stable toString/equals whatever collection the caller passed in.
    TreeSet<String> ids = new TreeSet<>();
    for (String id : pinned == null ? Set.<String>of() : pinned) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("pinned backup ids must not be blank");
      }
      ids.add(id.trim());
    }
    pinned = Collections.unmodifiableSet(ids);
  }

  /**
   * Parses the agent's {@code --retention} value: comma-separated {@code NAME=COUNT} pairs, any
   * subset in any order; rules not named are 0. A blank value names no rule (and so keeps nothing;
   * {@link RetentionSelector#select} refuses such rules).
   *
   * @param spec e.g. {@code keepLast=7,keepDaily=7,keepWeekly=4,keepMonthly=12}
   * @param pinned the {@code --pin} ids, may be null
   * @throws IllegalArgumentException naming the offending part when a name is unknown or repeated,
   *     or a count is not a whole number of 0 or more
   */
  public static RetentionRules parse(String spec, Collection<String> pinned) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    if (spec != null && !spec.isBlank()) {
      for (String part : spec.split(",", -1)) {
        parsePart(part.trim(), spec, counts);
      }
    }
    return new RetentionRules(
        counts.getOrDefault("keepLast", 0),
        counts.getOrDefault("keepHourly", 0),
        counts.getOrDefault("keepDaily", 0),
        counts.getOrDefault("keepWeekly", 0),
        counts.getOrDefault("keepMonthly", 0),
        counts.getOrDefault("keepYearly", 0),
        pinned == null ? Set.of() : new TreeSet<>(pinned));
  }

  private static void parsePart(String part, String spec, Map<String, Integer> counts) {
    if (part.isEmpty()) {
      throw new IllegalArgumentException("--retention: empty rule in '" + spec + "'");
    }
    int eq = part.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException(
          "--retention: expected NAME=COUNT, got '" + part + "'");
    }
    String name = part.substring(0, eq).trim();
    String value = part.substring(eq + 1).trim();
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "--retention: unknown rule '" + name + "' (known: " + String.join(", ", NAMES) + ")");
    }
    if (counts.containsKey(name)) {
      throw new IllegalArgumentException("--retention: rule '" + name + "' given more than once");
    }
    if (!COUNT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "--retention: " + name + " needs a whole number of 0 or more, got '" + value + "'");
    }
    try {
      counts.put(name, Integer.parseInt(value));
    } catch (NumberFormatException tooLarge) {
      throw new IllegalArgumentException(
          "--retention: " + name + " is too large, got '" + value + "'");
    }
  }

  /**
   * The canonical {@code --retention} value: only rules above 0, in the order last, hourly,
   * daily, weekly, monthly, yearly. Pins are not included (they travel as {@code --pin}). {@code
   * parse(format(), pinned())} gives back an equal record.
   */
  public String format() {
    int[] counts = counts();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        parts.add(NAMES.get(i) + "=" + counts[i]);
      }
    }
    return String.join(",", parts);
  }

  /** True when at least one keep rule is above 0; pins alone do not count. */
  public boolean keepsSomething() {
    for (int count : counts()) {
      if (count > 0) {
        return true;
      }
    }
    return false;
  }

  private int[] counts() {
    return new int[] {keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly};
  }
}
