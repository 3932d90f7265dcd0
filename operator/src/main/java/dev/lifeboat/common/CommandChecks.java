package dev.lifeboat.common;

import dev.lifeboat.api.v1alpha1.CommandContainer;
import java.util.List;

/** What every {@link CommandContainer} of a spec needs, reported under the field's own name. */
public final class CommandChecks {
  private CommandChecks() {}

  /** Adds to {@code problems} what is missing in {@code container}; {@code what} says what it runs. */
  public static void check(String field, CommandContainer container, String what, List<String> problems) {
    if (container.image == null || container.image.isBlank()) {
      problems.add(field + ".image: required (the image that runs " + what + ")");
    }
    if (container.command == null || container.command.isEmpty()
        || container.command.stream().anyMatch(word -> word == null || word.isEmpty())) {
      problems.add(field + ".command: required, without empty words (the image's entrypoint is not used)");
    }
  }
}
