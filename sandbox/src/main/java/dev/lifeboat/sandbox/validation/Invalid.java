package dev.lifeboat.sandbox.validation;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import java.util.List;
import java.util.stream.Collectors;

/** An object the API server refuses, and why: its answer (HTTP 422) and how kubectl shows it. */
public record Invalid(String group, String kind, String name, List<FieldError> errors) {
  public static final int CODE = 422;

  /** The errors as the API server joins them: one alone, several as {@code [a, b]}. */
  public String causes() {
    List<String> distinct = errors.stream().map(FieldError::toString).distinct().toList();
    return distinct.size() == 1 ? distinct.get(0) : "[" + String.join(", ", distinct) + "]";
  }

  /** The Status message: {@code BackupPolicy.lifeboat.dev "x" is invalid: ...}. */
  public String message() {
    return kind + "." + group + " \"" + name + "\" is invalid: " + causes();
  }

  /** As kubectl shows the refusal: {@code The BackupPolicy "x" is invalid: ...}. */
  public String kubectlMessage() {
    return kubectlMessage(kind, name, causes());
  }

  static String kubectlMessage(String kind, String name, String causes) {
    return "The " + kind + " \"" + name + "\" is invalid: " + causes;
  }

  /** The API server's answer, with one cause per error (what kubectl lists). */
  public Status status() {
    List<StatusCause> causes = errors.stream().map(e -> new StatusCauseBuilder().withReason(e.type().reason)
        .withField(e.field()).withMessage(e.body()).build()).collect(Collectors.toList());
    return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure").withCode(CODE)
        .withReason("Invalid").withMessage(message())
        .withNewDetails().withGroup(group).withKind(kind).withName(name).withCauses(causes).endDetails().build();
  }

  /**
   * kubectl's words for a refusal received as a Status, or null if it is not one: the causes as the
   * API server joined them, after {@code The <kind> "<name>" is invalid: }.
   */
  public static String kubectlMessage(Status status) {
    if (status == null || status.getCode() == null || status.getCode() != CODE || status.getDetails() == null
        || status.getMessage() == null || !status.getMessage().contains(" is invalid: ")) {
      return null;
    }
    String causes = status.getMessage().substring(status.getMessage().indexOf(" is invalid: ") + " is invalid: ".length());
    return kubectlMessage(status.getDetails().getKind(), status.getDetails().getName(), causes);
  }
}
