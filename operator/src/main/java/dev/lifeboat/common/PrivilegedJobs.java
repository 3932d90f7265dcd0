package dev.lifeboat.common;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Namespaces whose Lifeboat Jobs an administrator allowed to run as root with only the
 * capabilities reading and restoring ownership needs (operator setting privilegedJobNamespaces).
 * Off by default: a Job runs as the app, or as the image's non-root user.
 *
 * @param all every namespace
 * @param namespaces the namespaces allowed, when not all
 */
public record PrivilegedJobs(boolean all, Set<String> namespaces) {
  public static final PrivilegedJobs NONE = new PrivilegedJobs(false, Set.of());
  /** Read any file (backup), set any owner and mode (restore); all allowed by Pod Security "baseline". */
  public static final List<String> CAPABILITIES = List.of("CHOWN", "FOWNER", "DAC_OVERRIDE");

  /** "" or false: none; true or *: all; otherwise a comma-separated list of namespaces. */
  public static PrivilegedJobs parse(String value) {
    String text = value == null ? "" : value.trim();
    if (text.isEmpty() || text.equalsIgnoreCase("false")) {
      return NONE;
    }
    if (text.equalsIgnoreCase("true") || text.equals("*")) {
      return new PrivilegedJobs(true, Set.of());
    }
    return new PrivilegedJobs(false, Arrays.stream(text.split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()));
  }

  public boolean allows(String namespace) {
    return all || namespaces.contains(namespace);
  }
}
