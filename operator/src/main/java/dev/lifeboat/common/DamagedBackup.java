package dev.lifeboat.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup whose manifest.json exists but cannot be read (corrupt, a format version this agent
 * does not know, a required field missing). Neither complete nor incomplete: readers skip it and
 * name it, retention neither counts nor deletes it, so a person can look at it. The agent reports
 * it in {@code list} output and in its result's {@code retention.damaged}; the operator reads both
 * into the policy's status.
 *
 * @param problem one line naming the manifest object and what is wrong with it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DamagedBackup(String id, String problem) {
  private static final String LIST_LINE = "lifeboat agent list: damaged backup ";
  private static final Pattern IN_LOG = Pattern.compile("^" + Pattern.quote(LIST_LINE) + "(\\S+) skipped: (.*)$",
      Pattern.MULTILINE);

  /** How {@code agent list} names it on stderr, before the JSON array. */
  public String listLine() {
    return LIST_LINE + id + " skipped: " + problem;
  }

  /** The damaged backups a list Job's log names (its {@link #listLine()}s), in log order. */
  public static List<DamagedBackup> inListLog(String log) {
    List<DamagedBackup> found = new ArrayList<>();
    if (log != null) {
      Matcher line = IN_LOG.matcher(log);
      while (line.find()) {
        found.add(new DamagedBackup(line.group(1), line.group(2).strip()));
      }
    }
    return found;
  }
}
