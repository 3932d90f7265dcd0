package dev.lifeboat.common;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which namespaces' backups a RestoreRequest may read besides its own (operator setting
 * allowCrossNamespaceRestore). Off by default: backups of one team are not another team's to read.
 *
 * @param all any namespace may be read
 * @param sourceNamespaces namespaces whose backups any RestoreRequest may read (when not all)
 */
public record CrossNamespaceRestore(boolean all, Set<String> sourceNamespaces) {
  public static final CrossNamespaceRestore DENIED = new CrossNamespaceRestore(false, Set.of());
  public static final CrossNamespaceRestore ALLOWED = new CrossNamespaceRestore(true, Set.of());

  /** "" or false: none; true or *: all; otherwise a comma-separated list of source namespaces. */
  public static CrossNamespaceRestore parse(String value) {
    String text = value == null ? "" : value.trim();
    if (text.isEmpty() || text.equalsIgnoreCase("false")) {
      return DENIED;
    }
    if (text.equalsIgnoreCase("true") || text.equals("*")) {
      return ALLOWED;
    }
    return new CrossNamespaceRestore(false, Arrays.stream(text.split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()));
  }

  public boolean allows(String restoreNamespace, String sourceNamespace) {
    return restoreNamespace.equals(sourceNamespace) || all || sourceNamespaces.contains(sourceNamespace);
  }

  /** Whether a RestoreRequest anywhere might read backups of another namespace. */
  public boolean anyAllowed() {
    return all || !sourceNamespaces.isEmpty();
  }
}
