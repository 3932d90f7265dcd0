package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code KIND/NAMESPACE/NAME=CONDITION_OR_PHASE}: holds when the object's condition of that type
 * is True, or (RestoreRequest) when its phase is that value. It can no longer hold, and the wait
 * ends at once, when the object has reached an end other than the one awaited: a RestoreRequest in
 * a final phase (Succeeded or Failed) that is not the awaited one; a BackupPolicy whose awaited
 * LastBackupSucceeded or LastVerificationSucceeded is False (the run ended and failed; the next
 * runs only at the next schedule or trigger), or whose spec is invalid (nothing runs until it is
 * edited).
 */
record UntilCondition(String kind, String namespace, String name, String expected) {
  /** Conditions that say how a run ended: False is an end, not a state on the way. */
  private static final Set<String> RUN_OUTCOMES = Set.of(ConditionTypes.LAST_BACKUP_SUCCEEDED,
      ConditionTypes.LAST_VERIFICATION_SUCCEEDED);

  /** Where the object stands: the condition holds, may still hold, or cannot any more (and why). */
  enum State { HOLDS, WAITING, FAILED }

  record Outcome(State state, String why) {
    static final Outcome HOLDS = new Outcome(State.HOLDS, "");
    static final Outcome WAITING = new Outcome(State.WAITING, "");

    static Outcome failed(String why) {
      return new Outcome(State.FAILED, why);
    }
  }

  static UntilCondition parse(String text) {
    String[] sides = text.split("=", 2);
    String[] path = sides[0].split("/");
    if (sides.length != 2 || path.length != 3 || sides[1].isBlank()) {
      throw new IllegalArgumentException("--until: '" + text + "' is not KIND/NAMESPACE/NAME=CONDITION_OR_PHASE");
    }
    String kind = switch (path[0].toLowerCase(Locale.ROOT)) {
      case "backuppolicy", "backuppolicies", "bp" -> "BackupPolicy";
      case "restorerequest", "restorerequests", "rr" -> "RestoreRequest";
      default -> throw new IllegalArgumentException("--until: unknown kind '" + path[0] + "'; use backuppolicy or restorerequest");
    };
    return new UntilCondition(kind, path[1], path[2], sides[1]);
  }

  HasMetadata read(KubernetesClient client) {
    Class<? extends HasMetadata> type = kind.equals("BackupPolicy") ? BackupPolicy.class : RestoreRequest.class;
    return client.resources(type).inNamespace(namespace).withName(name).get();
  }

  Outcome check(KubernetesClient client) {
    HasMetadata object = read(client);
    if (object instanceof BackupPolicy policy && policy.getStatus() != null) {
      return check(policy.getStatus().conditions);
    }
    if (object instanceof RestoreRequest restore && restore.getStatus() != null) {
      var phase = restore.getStatus().phase;
      List<Condition> conditions = restore.getStatus().conditions;
      if (phase != null && expected.equals(phase.name()) || Conditions.isTrue(conditions, expected)) {
        return Outcome.HOLDS;
      }
      if (phase != null && phase.finished()) {
        return Outcome.failed("phase " + phase + conditions.stream().filter(c -> Conditions.FALSE.equals(c.getStatus()))
            .findFirst().map(c -> because(conditions, c.getType())).orElse(""));
      }
    }
    return Outcome.WAITING;
  }

  private Outcome check(List<Condition> conditions) {
    if (Conditions.isTrue(conditions, expected)) {
      return Outcome.HOLDS;
    }
    Optional<Condition> awaited = Conditions.find(conditions, expected);
    if (RUN_OUTCOMES.contains(expected) && awaited.filter(c -> Conditions.FALSE.equals(c.getStatus())).isPresent()) {
      return Outcome.failed(expected + " is False" + because(conditions, expected));
    }
    Optional<Condition> ready = Conditions.find(conditions, ConditionTypes.READY);
    if (ready.filter(c -> Reasons.INVALID_SPEC.equals(c.getReason())).isPresent()) {
      return Outcome.failed("the spec is invalid" + because(conditions, ConditionTypes.READY));
    }
    return Outcome.WAITING;
  }

  /** " (TYPE REASON: message)" of the condition, if the object has it. */
  private static String because(List<Condition> conditions, String type) {
    return Conditions.find(conditions, type).map(c -> " (" + type + " " + c.getReason() + ": " + c.getMessage() + ")")
        .orElse("");
  }

  @Override
  public String toString() {
    return kind.toLowerCase(Locale.ROOT) + "/" + namespace + "/" + name + "=" + expected;
  }
}
