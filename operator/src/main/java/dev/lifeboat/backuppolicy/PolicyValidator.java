package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.Alerts;
import dev.lifeboat.api.v1alpha1.BackupPolicySpec;
import dev.lifeboat.api.v1alpha1.BackupSource;
import dev.lifeboat.api.v1alpha1.DumpSource;
import dev.lifeboat.api.v1alpha1.Hook;
import dev.lifeboat.api.v1alpha1.Hooks;
import dev.lifeboat.api.v1alpha1.JobTemplate;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.Retention;
import dev.lifeboat.common.CommandChecks;
import dev.lifeboat.common.Durations;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks what the CRD schema cannot (cron, zones, durations, quantities) and, because the API
 * server stand-in does not validate, repeats what it can. Every problem names the field and the
 * bad value.
 */
public final class PolicyValidator {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern DUMP_NAME = Pattern.compile(DumpSource.NAME_PATTERN);

  /** {@code reason}: HooksDisabled when that is the only problem, else InvalidSpec. */
  public record Result(List<String> problems, String reason) {
    public Result(List<String> problems) {
      this(problems, Reasons.INVALID_SPEC);
    }

    public boolean valid() {
      return problems.isEmpty();
    }

    public String message() {
      return String.join("; ", problems);
    }
  }

  private final boolean hooksEnabled;

  /** A validator for an operator that runs no hooks (the default). */
  public PolicyValidator() {
    this(false);
  }

  /** {@code hooksEnabled}: the operator setting that lets the operator exec into pods. */
  public PolicyValidator(boolean hooksEnabled) {
    this.hooksEnabled = hooksEnabled;
  }

  public Result validate(BackupPolicySpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return new Result(List.of("spec: is missing"));
    }
    ZoneId zone = zone(spec.timeZone, problems);
    if (zone != null) {
      try {
        BackupSchedule.parse(spec.schedule, zone);
      } catch (IllegalArgumentException e) {
        problems.add("spec.schedule: '" + spec.schedule + "' is not a valid schedule: " + e.getMessage());
      }
    }
    source(spec.source, problems);
    destination(spec, problems);
    retention(spec.retention, problems);
    alerts(spec.alerts, problems);
    if (spec.verify != null) {
      if (spec.verify.schedule != null && !spec.verify.schedule.isBlank() && zone != null) {
        try {
          BackupSchedule.parse(spec.verify.schedule, zone);
        } catch (IllegalArgumentException e) {
          problems.add("spec.verify.schedule: '" + spec.verify.schedule + "' is not a valid schedule: " + e.getMessage());
        }
      }
      duration("spec.verify.maxAge", spec.verify.maxAge, problems);
      if (spec.verify.check != null) {
        if (spec.verify.check.image == null || spec.verify.check.image.isBlank()) {
          problems.add("spec.verify.check.image: required (the image that runs the check)");
        }
        if (spec.verify.check.command == null || spec.verify.check.command.isEmpty()) {
          problems.add("spec.verify.check.command: required (the image's entrypoint is not used)");
        }
      }
    }
    if (spec.snapshotTimeoutSeconds != null && spec.snapshotTimeoutSeconds < 1) {
      problems.add("spec.snapshotTimeoutSeconds: " + spec.snapshotTimeoutSeconds + " must be at least 1");
    }
    if (spec.encryption != null && (spec.encryption.keySecretRef == null || blank(spec.encryption.keySecretRef.name))) {
      problems.add("spec.encryption.keySecretRef.name: is required");
    }
    jobTemplate(spec.jobTemplate, problems);
    boolean hooksRefused = hooks(spec.hooks, problems);
    return new Result(List.copyOf(problems), hooksRefused && problems.size() == 1 ? Reasons.HOOKS_DISABLED
        : Reasons.INVALID_SPEC);
  }

  /** Checks the hooks; true when there are some but the operator may not run them. */
  private boolean hooks(Hooks hooks, List<String> problems) {
    if (hooks == null || !notEmpty(hooks.before) && !notEmpty(hooks.after)) {
      return false;
    }
    if (!hooksEnabled) {
      problems.add("spec.hooks: hooks are disabled in this Lifeboat installation: the operator needs pods/exec to run "
          + "them, which the Helm chart grants with hooks.enabled=true (operator setting LIFEBOAT_HOOKS_ENABLED)");
      return true;
    }
    hookList("spec.hooks.before", hooks.before, problems);
    hookList("spec.hooks.after", hooks.after, problems);
    return false;
  }

  private static void hookList(String field, List<Hook> hooks, List<String> problems) {
    for (int i = 0; hooks != null && i < hooks.size(); i++) {
      Hook hook = hooks.get(i);
      String at = field + "[" + i + "]";
      if (hook == null || hook.command == null || hook.command.isEmpty() || hook.command.stream().anyMatch(Objects::isNull)) {
        problems.add(at + ".command: required, the program and its arguments (run without a shell)");
        continue;
      }
      if (hook.timeoutSeconds != null && hook.timeoutSeconds < 1) {
        problems.add(at + ".timeoutSeconds: " + hook.timeoutSeconds + " must be at least 1");
      }
      if (hook.container != null && !hook.container.isEmpty() && !DNS_LABEL.matcher(hook.container).matches()) {
        problems.add(at + ".container: '" + hook.container + "' is not a container name");
      }
    }
  }

  private static ZoneId zone(String timeZone, List<String> problems) {
    String name = blank(timeZone) ? "UTC" : timeZone;
    if (!name.equals("UTC") && !ZoneId.getAvailableZoneIds().contains(name)) {
      problems.add("spec.timeZone: '" + timeZone + "' is not an IANA time zone such as Europe/Berlin or UTC");
      return null;
    }
    return ZoneId.of(name);
  }

  private static void source(BackupSource source, List<String> problems) {
    if (source == null) {
      problems.add("spec.source: is required");
      return;
    }
    boolean claims = notEmpty(source.claims);
    if (!claims && source.selector == null && !notEmpty(source.dumps)) {
      problems.add("spec.source: set at least one of claims, selector or dumps");
    }
    if (claims && source.selector != null) {
      problems.add("spec.source: set at most one of claims or selector");
    }
    if (claims) {
      for (String claim : source.claims) {
        if (claim == null || !DNS_LABEL.matcher(claim).matches()) {
          problems.add("spec.source.claims: '" + claim + "' is not a valid PersistentVolumeClaim name");
        }
      }
    }
    if (source.dumps != null) {
      dumps(source.dumps, problems);
    }
  }

  private static void dumps(List<DumpSource> dumps, List<String> problems) {
    if (dumps.size() > BackupSource.MAX_DUMPS) {
      problems.add("spec.source.dumps: " + dumps.size() + " dumps; at most " + BackupSource.MAX_DUMPS + " are allowed");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < dumps.size(); i++) {
      String field = "spec.source.dumps[" + i + "]";
      DumpSource dump = dumps.get(i);
      if (dump == null) {
        problems.add(field + ": is empty");
        continue;
      }
      if (blank(dump.name)) {
        problems.add(field + ".name: is required");
      } else if (!DUMP_NAME.matcher(dump.name).matches()) {
        problems.add(field + ".name: '" + dump.name + "' is not a DNS label of at most " + DumpSource.MAX_NAME_LENGTH
            + " characters (lowercase letters, digits and -)");
      } else if (seen.containsKey(dump.name)) {
        problems.add(field + ".name: '" + dump.name + "' is also the name of spec.source.dumps[" + seen.get(dump.name)
            + "]; names must be unique");
      } else {
        seen.put(dump.name, i);
      }
      CommandChecks.check(field, dump, "the dump", problems);
      if (dump.timeoutSeconds != null && dump.timeoutSeconds < 1) {
        problems.add(field + ".timeoutSeconds: " + dump.timeoutSeconds + " must be at least 1");
      }
    }
  }

  private static void destination(BackupPolicySpec spec, List<String> problems) {
    if (spec.destination == null || spec.destination.s3 == null) {
      problems.add("spec.destination.s3: is required");
      return;
    }
    var s3 = spec.destination.s3;
    if (blank(s3.bucket)) {
      problems.add("spec.destination.s3.bucket: is required");
    }
    if (s3.credentialsSecretRef == null || blank(s3.credentialsSecretRef.name)) {
      problems.add("spec.destination.s3.credentialsSecretRef.name: is required");
    }
    String sse = s3.serverSideEncryption;
    if (!blank(sse) && !sse.equals("AES256") && !sse.equals("aws:kms")) {
      problems.add("spec.destination.s3.serverSideEncryption: '" + sse + "' must be empty, AES256 or aws:kms");
    }
  }

  private static void retention(Retention retention, List<String> problems) {
    if (retention == null) {
      problems.add("spec.retention: is required; set at least one keep rule, e.g. keepDaily: 7");
      return;
    }
    Integer[] rules = {retention.keepLast, retention.keepHourly, retention.keepDaily, retention.keepWeekly,
        retention.keepMonthly, retention.keepYearly};
    String[] names = {"keepLast", "keepHourly", "keepDaily", "keepWeekly", "keepMonthly", "keepYearly"};
    boolean any = false;
    for (int i = 0; i < rules.length; i++) {
      if (rules[i] != null && rules[i] < 0) {
        problems.add("spec.retention." + names[i] + ": " + rules[i] + " must not be negative");
      }
      any |= rules[i] != null && rules[i] > 0;
    }
    if (retention.pinned != null) {
      retention.pinned.stream().filter(id -> id == null || !id.matches("[0-9]{8}T[0-9]{6}Z")).forEach(id ->
          problems.add("spec.retention.pinned: '" + id + "' is not a backup id such as 20251109T020000Z"));
    }
    if (!any) {
      problems.add("spec.retention: needs at least one keep rule greater than 0, e.g. keepDaily: 7");
    }
  }

  private static void alerts(Alerts alerts, List<String> problems) {
    if (alerts == null) {
      return;
    }
    duration("spec.alerts.maxAge", alerts.maxAge, problems);
    if (alerts.minSize != null) {
      try {
        if (Quantity.getAmountInBytes(alerts.minSize).signum() < 0) {
          problems.add("spec.alerts.minSize: '" + alerts.minSize + "' must not be negative");
        }
      } catch (RuntimeException e) {
        problems.add("spec.alerts.minSize: '" + alerts.minSize + "' is not a quantity such as 50Ki or 1Mi");
      }
    }
  }

  private static void jobTemplate(JobTemplate template, List<String> problems) {
    if (template == null || template.podSecurityContext == null) {
      return;
    }
    var security = template.podSecurityContext;
    if (Boolean.FALSE.equals(security.getRunAsNonRoot())) {
      problems.add("spec.jobTemplate.podSecurityContext.runAsNonRoot: Lifeboat Jobs never run as root");
    }
    if (security.getRunAsUser() != null && security.getRunAsUser() == 0L) {
      problems.add("spec.jobTemplate.podSecurityContext.runAsUser: 0 (root) is not allowed; use fsGroup to read volumes");
    }
  }

  private static void duration(String field, String value, List<String> problems) {
    if (value == null) {
      return;
    }
    try {
      Durations.parse(value);
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static boolean notEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }
}
