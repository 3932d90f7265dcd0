package dev.lifeboat.restore;

import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreMode;
import dev.lifeboat.api.v1alpha1.RestoreRequestSpec;
import dev.lifeboat.api.v1alpha1.RestoreSource;
import dev.lifeboat.api.v1alpha1.RestoreTarget;
import dev.lifeboat.common.CommandChecks;
import dev.lifeboat.common.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a RestoreRequest's spec before anything acts on it: the rules its CRD states in CEL
 * (repeated, because the API server stand-in does not validate) and the rules between fields. Every problem names the field.
 */
final class RequestValidator {
  private static final Pattern DUMP_NAME = Pattern.compile(DumpSource.NAME_PATTERN);

  private RequestValidator() {}

  /** Empty when the spec can be acted on; otherwise every problem, as one InvalidSpec. */
  static Optional<Problem> validate(RestoreRequestSpec spec) {
    List<String> problems = problems(spec);
    return problems.isEmpty() ? Optional.empty()
        : Optional.of(new Problem(Reasons.INVALID_SPEC, String.join("; ", problems)));
  }

  /** Every problem of the spec, each naming its field, in field order. */
  static List<String> problems(RestoreRequestSpec spec) {
    List<String> problems = new ArrayList<>();
    source(spec.source, problems);
    target(spec, problems);
    return List.copyOf(problems);
  }

  private static void source(RestoreSource source, List<String> problems) {
    if (source == null || source.dump == null) {
      return;
    }
    if (!DUMP_NAME.matcher(source.dump).matches()) {
      problems.add("spec.source.dump: '" + source.dump + "' is not a dump name (a DNS label of at most "
          + DumpSource.MAX_NAME_LENGTH + " characters)");
    }
    if (source.claim != null) {
      problems.add("spec.source.claim: cannot be combined with spec.source.dump (a dump is not a volume)");
    }
    if (source.paths != null) {
      problems.add("spec.source.paths: cannot be combined with spec.source.dump (a dump has no files)");
    }
  }

  private static void target(RestoreRequestSpec spec, List<String> problems) {
    RestoreTarget target = spec.target;
    if (target == null) {
      problems.add("spec.target: is required");
      return;
    }
    int set = (target.claim != null ? 1 : 0) + (target.newClaim != null ? 1 : 0) + (target.command != null ? 1 : 0);
    if (set != 1) {
      problems.add("spec.target: set exactly one of claim, newClaim or command");
    }
    TargetClaim.subPathProblem(target).ifPresent(p -> problems.add(p.message()));
    boolean dump = spec.source != null && spec.source.dump != null;
    if (target.command == null) {
      if (dump) {
        problems.add("spec.target.command: required to restore spec.source.dump (a dump is streamed into a command)");
      }
      return;
    }
    CommandChecks.check("spec.target.command", target.command, "the restore command", problems);
    if (!dump) {
      problems.add("spec.target.command: needs spec.source.dump (only a dump can be restored into a command)");
    }
    if (target.subPath != null) {
      problems.add("spec.target.subPath: applies to a volume, not to spec.target.command");
    }
    if (spec.mode == RestoreMode.Merge) {
      problems.add("spec.mode: Merge applies to a volume, not to spec.target.command");
    }
    if (dump && spec.source.repository != null && !Boolean.FALSE.equals(spec.safetyBackup)) {
      problems.add("spec.safetyBackup: set it to false to restore a dump from spec.source.repository"
          + " (a safety dump needs the dump command of spec.source.policy)");
    }
  }
}
