package dev.lifeboat.sandbox.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Built-in kinds' cells as kubectl prints them against a cluster. */
class BuiltInPrintersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void aPodsReadyStatusAndRestartsComeFromItsContainers() throws Exception {
    JsonNode running = json("""
        {"spec": {"containers": [{"name": "app"}, {"name": "sidecar"}]},
         "status": {"phase": "Running", "containerStatuses": [
           {"name": "app", "ready": true, "restartCount": 2, "state": {"running": {}}},
           {"name": "sidecar", "ready": false, "restartCount": 1,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}
        """);
    assertThat(BuiltInPrinters.podReady(running)).isEqualTo("1/2");
    assertThat(BuiltInPrinters.podStatus(running)).isEqualTo("CrashLoopBackOff");
    assertThat(BuiltInPrinters.podRestarts(running)).isEqualTo("3");

    JsonNode completed = json("""
        {"spec": {"containers": [{"name": "agent"}]},
         "status": {"phase": "Succeeded", "containerStatuses": [
           {"name": "agent", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}}
        """);
    assertThat(BuiltInPrinters.podStatus(completed)).isEqualTo("Completed");
    assertThat(BuiltInPrinters.podReady(completed)).isEqualTo("0/1");

    JsonNode initializing = json("""
        {"spec": {"initContainers": [{"name": "setup"}, {"name": "wait"}], "containers": [{"name": "agent"}]},
         "status": {"phase": "Pending", "initContainerStatuses": [
           {"name": "setup", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
           {"name": "wait", "state": {"running": {}}}]}}
        """);
    assertThat(BuiltInPrinters.podStatus(initializing)).isEqualTo("Init:1/2");

    JsonNode secretMissing = json("""
        {"spec": {"containers": [{"name": "agent"}]},
         "status": {"phase": "Pending", "containerStatuses": [
           {"name": "agent", "state": {"waiting": {"reason": "CreateContainerConfigError"}}}]}}
        """);
    assertThat(BuiltInPrinters.podStatus(secretMissing)).isEqualTo("CreateContainerConfigError");
    assertThat(BuiltInPrinters.podStatus(json("""
        {"metadata": {"deletionTimestamp": "2026-11-29T01:00:00Z"}, "status": {"phase": "Running"}}
        """))).isEqualTo("Terminating");
  }

  @Test
  void aJobsStatusCompletionsAndDurationAreKubectls() throws Exception {
    JsonNode done = json("""
        {"spec": {"completions": 1}, "status": {"succeeded": 1, "startTime": "2026-11-29T01:00:00Z",
          "completionTime": "2026-11-29T01:00:42Z", "conditions": [{"type": "SuccessCriteriaMet", "status": "True"},
          {"type": "Complete", "status": "True"}]}}
        """);
    Instant later = Instant.parse("2026-11-29T05:00:00Z");
    assertThat(BuiltInPrinters.jobStatus(done)).isEqualTo("Complete");
    assertThat(BuiltInPrinters.jobCompletions(done)).isEqualTo("1/1");
    assertThat(BuiltInPrinters.jobDuration(done, later)).isEqualTo("42s");

    JsonNode running = json("""
        {"spec": {}, "status": {"startTime": "2026-11-29T04:55:00Z", "active": 1}}
        """);
    assertThat(BuiltInPrinters.jobStatus(running)).isEqualTo("Running");
    assertThat(BuiltInPrinters.jobCompletions(running)).isEqualTo("0/1");
    assertThat(BuiltInPrinters.jobDuration(running, later)).isEqualTo("5m");
    assertThat(BuiltInPrinters.jobDuration(json("{\"status\": {}}"), later)).isNull();

    assertThat(BuiltInPrinters.jobStatus(json("""
        {"status": {"conditions": [{"type": "Failed", "status": "True"}]}}
        """))).isEqualTo("Failed");
    assertThat(BuiltInPrinters.jobStatus(json("""
        {"status": {"conditions": [{"type": "Suspended", "status": "True"}]}}
        """))).isEqualTo("Suspended");
  }

  @Test
  void workloadsClaimsAndSecretsPrintAsKubectlPrintsThem() throws Exception {
    JsonNode deployment = json("""
        {"spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "app", "image": "rose:2"},
          {"name": "sidecar", "image": "side:1"}]}}},
         "status": {"readyReplicas": 1, "updatedReplicas": 2}}
        """);
    assertThat(BuiltInPrinters.replicasReady(deployment)).isEqualTo("1/2");
    assertThat(BuiltInPrinters.updated(deployment)).isEqualTo("2");
    assertThat(BuiltInPrinters.available(deployment)).isEqualTo("0");
    assertThat(BuiltInPrinters.containers(deployment, "image")).isEqualTo("rose:2,side:1");
    assertThat(BuiltInPrinters.replicasReady(json("{\"spec\": {\"replicas\": 0}}"))).isEqualTo("0/0");

    assertThat(BuiltInPrinters.accessModes(json("""
        {"status": {"accessModes": ["ReadWriteOnce", "ReadOnlyMany"]}}
        """))).isEqualTo("RWO,ROX");
    assertThat(BuiltInPrinters.dataCount(json("""
        {"data": {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}}
        """))).isEqualTo("2");
  }

  @Test
  void anEventIsShownByWhenItWasLastSeenAndTheObjectItIsAbout() throws Exception {
    Instant now = Instant.parse("2026-11-29T02:00:00Z");
    JsonNode event = json("""
        {"metadata": {"creationTimestamp": "2026-11-29T01:00:00Z"}, "lastTimestamp": "2026-11-29T01:59:30Z",
         "involvedObject": {"kind": "BackupPolicy", "name": "rose-memory"}}
        """);
    assertThat(BuiltInPrinters.eventLastSeen(event, now)).isEqualTo("30s");
    assertThat(BuiltInPrinters.eventObject(event)).isEqualTo("backuppolicy/rose-memory");
    assertThat(BuiltInPrinters.eventLastSeen(json("""
        {"eventTime": "2026-11-29T01:50:00.000000Z", "series": {"lastObservedTime": "2026-11-29T01:58:00.000000Z"}}
        """), now)).isEqualTo("2m");
    assertThat(BuiltInPrinters.eventLastSeen(json("""
        {"metadata": {"creationTimestamp": "2026-11-29T01:00:00Z"}}
        """), now)).isEqualTo("60m");
  }

  @Test
  void aTimeThatCannotBeReadLeavesItsCellEmptyNotTheTableFailed() throws Exception {
    JsonNode handWritten = json("""
        {"status": {"startTime": "2024-01-01T00:00:00"}}
        """);
    assertThat(PrinterColumn.computed("Duration", BuiltInPrinters::jobDuration).cell(handWritten, Instant.now()).isNull())
        .isTrue();
  }
}
