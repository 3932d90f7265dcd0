package dev.lifeboat.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.ProjectFiles;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Argo CD health checks of docs/gitops.md, exactly as printed there, run by a real Lua
 * interpreter on the objects the operator writes. Argo CD embeds its own Lua (5.1); the checks use
 * nothing that differs between 5.1 and 5.4. Without a Lua on PATH this test is skipped, saying so.
 */
class ArgoCdHealthChecksTest {
  static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);
  static Map<String, String> checks;
  static String lua;

  @BeforeAll
  static void readTheChecksFromTheDocs() throws IOException {
    lua = onPath("lua5.1", "lua5.4", "lua5.3", "lua").orElse(null);
    Assumptions.assumeTrue(lua != null,
        "no Lua interpreter on PATH (apt-get install lua5.4): the Argo CD health checks of docs/gitops.md are not run");
    Matcher blocks = YAML_BLOCK.matcher(Files.readString(ProjectFiles.resolve("docs/gitops.md")));
    while (blocks.find()) {
      if (blocks.group(1).contains("name: argocd-cm")) {
        checks = Serialization.unmarshal(blocks.group(1), ConfigMap.class).getData();
      }
    }
    assertThat(checks).as("the argocd-cm ConfigMap in docs/gitops.md").isNotNull();
  }

  @Test
  void aPolicyTheOperatorHasNotReadYetIsProgressing() throws Exception {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getMetadata().setGeneration(2L);
    assertThat(health(policy)).startsWith("Progressing");
    ready(policy, "True", Reasons.UP_TO_DATE, "valid");
    policy.getStatus().observedGeneration = 1L;
    assertThat(health(policy)).as("a status of an older spec").startsWith("Progressing");
  }

  @ParameterizedTest(name = "Ready {0} {1}: {3}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "True  | WaitingForFirstBackup | valid; waiting for the first backup                   | Healthy",
      "True  | Suspended             | suspended: no new backups start                       | Suspended",
      "False | InvalidSpec           | spec.schedule: 'every day' is not a cron expression   | Degraded",
      "False | Overdue               | newest backup finished 2025-11-07T02:00:41Z           | Degraded",
      // a claim waiting for its first consumer, or for a volume, binds by itself
      "False | ClaimNotBound         | PersistentVolumeClaim memory-data is Pending          | Progressing"})
  void aPolicyIsAsHealthyAsItsReadyConditionSaysNamingWhyWhenNot(String status, String reason, String message,
      String expected) throws Exception {
    BackupPolicy policy = Fixtures.dailyPolicy();
    ready(policy, status, reason, message);
    assertThat(health(policy)).isEqualTo(expected + "\n" + ("True".equals(status) ? "" : reason + ": ") + message);
  }

  @Test
  void aRestoreIsProgressingUntilItSucceedsAndDegradedOnceItFailed() throws Exception {
    RestoreRequest request = Fixtures.restoreFromPolicy("restore-memory");
    assertThat(health(request)).startsWith("Progressing");
    request.setStatus(new RestoreRequestStatus());
    request.getStatus().phase = RestorePhase.Running;
    request.getStatus().message = "restoring backup 20251109T020000Z";
    condition(request.getStatus().conditions, ConditionTypes.READY, "False", Reasons.RESTORE_IN_PROGRESS);
    assertThat(health(request)).isEqualTo("Progressing\nrestoring backup 20251109T020000Z");

    request.getStatus().phase = RestorePhase.Succeeded;
    request.getStatus().message = "restored backup 20251109T020000Z";
    condition(request.getStatus().conditions, ConditionTypes.READY, "True", Reasons.RESTORE_SUCCEEDED);
    assertThat(health(request)).isEqualTo("Healthy\nrestored backup 20251109T020000Z");

    request.getStatus().phase = RestorePhase.Failed;
    request.getStatus().message = "restore of backup 20251109T020000Z failed: checksum mismatch";
    condition(request.getStatus().conditions, ConditionTypes.READY, "False", Reasons.RESTORE_FAILED);
    condition(request.getStatus().conditions, ConditionTypes.STALLED, "True", Reasons.RESTORE_FAILED);
    assertThat(health(request)).isEqualTo("Degraded\nrestore of backup 20251109T020000Z failed: checksum mismatch");
  }

  @Test
  void aRestoreFinishedBeforeReadyWasWrittenShowsItsPhase() throws Exception {
    RestoreRequest request = Fixtures.restoreFromPolicy("restore-memory");
    request.setStatus(new RestoreRequestStatus());
    request.getStatus().phase = RestorePhase.Failed;
    request.getStatus().message = "BackupPolicy rose-memry named in spec.source.policy does not exist";
    assertThat(health(request)).startsWith("Degraded\n");
    request.getStatus().phase = RestorePhase.Succeeded;
    assertThat(health(request)).startsWith("Healthy\n");
  }

  static void ready(BackupPolicy policy, String status, String reason, String message) {
    policy.setStatus(new BackupPolicyStatus());
    policy.getStatus().observedGeneration = policy.getMetadata().getGeneration();
    policy.getStatus().conditions.add(new ConditionBuilder().withType(ConditionTypes.READY).withStatus(status)
        .withReason(reason).withMessage(message).withLastTransitionTime("2025-11-09T14:00:00Z").build());
  }

  static void condition(List<io.fabric8.kubernetes.api.model.Condition> conditions, String type, String status,
      String reason) {
    conditions.removeIf(c -> c.getType().equals(type));
    conditions.add(new ConditionBuilder().withType(type).withStatus(status).withReason(reason)
        .withMessage("condition message").withLastTransitionTime("2025-11-09T14:00:00Z").build());
  }

  /** "STATUS\nMESSAGE" as Argo CD would show them: the check of the object's kind run on it as JSON. */
  static String health(HasMetadata object) throws IOException, InterruptedException {
    String check = checks.get("resource.customizations.health." + Lifeboat.GROUP + "_" + object.getKind());
    assertThat(check).as("health check of %s in docs/gitops.md", object.getKind()).isNotNull();
    Object json = Serialization.jsonMapper().convertValue(object, Map.class);
    String script = "obj = " + luaValue(json) + "\nlocal function check()\n" + check + "\nend\n"
        + "local hs = check()\nio.write(hs.status, \"\\n\", hs.message or \"\")\n";
    Process process = new ProcessBuilder(lua, "-").redirectErrorStream(true).start();
    process.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("%s failed:\n%s", lua, output).isZero();
    return output;
  }

  /** The object as a Lua table literal, as Argo CD hands it to a check (JSON null fields absent). */
  static String luaValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      StringBuilder table = new StringBuilder("{");
      map.forEach((key, item) -> {
        if (item != null) {
          table.append('[').append(luaValue(key.toString())).append("]=").append(luaValue(item)).append(',');
        }
      });
      return table.append('}').toString();
    }
    if (value instanceof List<?> list) {
      StringBuilder table = new StringBuilder("{");
      list.forEach(item -> table.append(luaValue(item)).append(','));
      return table.append('}').toString();
    }
    if (value instanceof String text) {
      return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
    return String.valueOf(value);
  }

  static Optional<String> onPath(String... names) {
    for (String name : names) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
          return Optional.of(Path.of(dir, name).toString());
        }
      }
    }
    return Optional.empty();
  }
}
