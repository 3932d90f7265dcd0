package dev.lifeboat.sandbox.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cells kubectl's built-in printers compute from several fields of an object (a cluster's API
 * server renders them with the same rules): a pod's READY and STATUS, a Deployment's READY, a Job's
 * STATUS and DURATION, a claim's ACCESS MODES, a Secret's DATA.
 */
final class BuiltInPrinters {
  private static final Map<String, String> ACCESS_MODES = Map.of("ReadWriteOnce", "RWO", "ReadOnlyMany", "ROX",
      "ReadWriteMany", "RWX", "ReadWriteOncePod", "RWOP");

  private BuiltInPrinters() {}

  /** Ready containers of all the pod's containers, e.g. {@code 1/2}. */
  static String podReady(JsonNode pod) {
    int ready = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      ready += status.path("ready").asBoolean() ? 1 : 0;
    }
    return ready + "/" + pod.path("spec").path("containers").size();
  }

  /**
   * The phase, or why the pod is not running as it should: an init container's state
   * ({@code Init:0/1}, {@code Init:CreateContainerConfigError}), a container's waiting or
   * terminated reason ({@code Completed}, {@code Error}, {@code CreateContainerConfigError}), or
   * {@code Terminating}.
   */
  static String podStatus(JsonNode pod) {
    JsonNode status = pod.path("status");
    String reason = status.hasNonNull("reason") ? status.path("reason").asText() : status.path("phase").asText("");
    JsonNode inits = status.path("initContainerStatuses");
    int initTotal = pod.path("spec").path("initContainers").size();
    boolean initializing = false;
    for (int i = 0; i < inits.size(); i++) {
      JsonNode state = inits.get(i).path("state");
      if (state.path("terminated").path("exitCode").asInt(-1) == 0) {
        continue;
      }
      initializing = true;
      if (state.has("terminated")) {
        reason = "Init:" + state.path("terminated").path("reason").asText("ExitCode:" + state.path("terminated")
            .path("exitCode").asInt());
      } else if (state.path("waiting").hasNonNull("reason") && !"PodInitializing".equals(state.path("waiting")
          .path("reason").asText())) {
        reason = "Init:" + state.path("waiting").path("reason").asText();
      } else {
        reason = "Init:" + i + "/" + initTotal;
      }
      break;
    }
    if (!initializing) {
      List<JsonNode> containers = new ArrayList<>();
      status.path("containerStatuses").forEach(containers::add);
      for (int i = containers.size() - 1; i >= 0; i--) {
        JsonNode state = containers.get(i).path("state");
        if (state.path("waiting").hasNonNull("reason")) {
          reason = state.path("waiting").path("reason").asText();
        } else if (state.path("terminated").hasNonNull("reason")) {
          reason = state.path("terminated").path("reason").asText();
        } else if (state.has("terminated")) {
          JsonNode terminated = state.path("terminated");
          reason = terminated.path("signal").asInt(0) != 0 ? "Signal:" + terminated.path("signal").asInt()
              : "ExitCode:" + terminated.path("exitCode").asInt();
        }
      }
    }
    return pod.path("metadata").has("deletionTimestamp") ? "Terminating" : reason;
  }

  /** Restarts of all the pod's containers. */
  static String podRestarts(JsonNode pod) {
    int restarts = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      restarts += status.path("restartCount").asInt(0);
    }
    return String.valueOf(restarts);
  }

  /** Ready replicas of those wanted (a Deployment's or StatefulSet's), e.g. {@code 0/1} while scaled up. */
  static String replicasReady(JsonNode workload) {
    return workload.path("status").path("readyReplicas").asInt(0) + "/" + workload.path("spec").path("replicas").asInt(1);
  }

  /** A Deployment's up-to-date replicas. */
  static String updated(JsonNode deployment) {
    return String.valueOf(deployment.path("status").path("updatedReplicas").asInt(0));
  }

  /** A Deployment's available replicas. */
  static String available(JsonNode deployment) {
    return String.valueOf(deployment.path("status").path("availableReplicas").asInt(0));
  }

  /** A field of each container of the object's pod template, comma-separated. */
  static String containers(JsonNode workload, String field) {
    List<String> values = new ArrayList<>();
    workload.path("spec").path("template").path("spec").path("containers").forEach(c -> values.add(c.path(field).asText()));
    return String.join(",", values);
  }

  /** As kubectl prints a Job's status: its outcome, else Terminating, Suspended, FailureTarget or Running. */
  static String jobStatus(JsonNode job) {
    List<String> holding = new ArrayList<>();
    job.path("status").path("conditions").forEach(c -> {
      if ("True".equals(c.path("status").asText())) {
        holding.add(c.path("type").asText());
      }
    });
    for (String outcome : List.of("Complete", "Failed")) {
      if (holding.contains(outcome)) {
        return outcome;
      }
    }
    if (job.path("metadata").has("deletionTimestamp")) {
      return "Terminating";
    }
    for (String state : List.of("Suspended", "FailureTarget", "SuccessCriteriaMet")) {
      if (holding.contains(state)) {
        return state;
      }
    }
    return "Running";
  }

  /** Succeeded pods of the completions wanted, e.g. {@code 1/1}. */
  static String jobCompletions(JsonNode job) {
    return job.path("status").path("succeeded").asInt(0) + "/" + job.path("spec").path("completions").asInt(1);
  }

  /** From the Job's start to its completion, or to now while it runs; nothing before it starts. */
  static String jobDuration(JsonNode job, Instant now) {
    JsonNode status = job.path("status");
    if (!status.hasNonNull("startTime")) {
      return null;
    }
    Instant start = OffsetDateTime.parse(status.path("startTime").asText()).toInstant();
    Instant end = status.hasNonNull("completionTime")
        ? OffsetDateTime.parse(status.path("completionTime").asText()).toInstant() : now;
    return PrinterColumn.humanDuration(Duration.between(start, end));
  }

  /** The claim's granted access modes as kubectl abbreviates them, e.g. {@code RWO}. */
  static String accessModes(JsonNode claim) {
    List<String> modes = new ArrayList<>();
    claim.path("status").path("accessModes").forEach(m -> modes.add(ACCESS_MODES.getOrDefault(m.asText(), m.asText())));
    return String.join(",", modes);
  }

  /** How long ago an Event was last seen: its series' last time, else its last, event or creation time. */
  static String eventLastSeen(JsonNode event, Instant now) {
    for (JsonNode time : List.of(event.path("series").path("lastObservedTime"), event.path("lastTimestamp"),
        event.path("eventTime"), event.path("metadata").path("creationTimestamp"))) {
      if (time.isTextual() && !time.asText().isEmpty()) {
        return PrinterColumn.age(time.asText(), now);
      }
    }
    return null;
  }

  /** The object an Event is about, as {@code kind/name} with the kind in lower case. */
  static String eventObject(JsonNode event) {
    JsonNode object = event.path("involvedObject");
    return object.path("kind").asText("").toLowerCase(Locale.ROOT) + "/" + object.path("name").asText("");
  }

  /** How many keys a Secret's or ConfigMap's data holds. */
  static String dataCount(JsonNode object) {
    return String.valueOf(object.path("data").size() + object.path("binaryData").size());
  }
}
