package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Patches as kubectl apply and kubectl patch write them, applied as the API server applies them. */
class StrategicMergePatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String DEPLOYMENT = """
      {"metadata": {"name": "rose", "labels": {"app": "rose"}, "finalizers": ["a"]},
       "spec": {"replicas": 1, "template": {"spec": {
         "containers": [
           {"name": "app", "image": "rose:1", "args": ["--port", "80"],
            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "ports": [{"containerPort": 80, "name": "http"}],
            "volumeMounts": [{"name": "data", "mountPath": "/data"}]},
           {"name": "sidecar", "image": "side:1"}],
         "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "memory-data"}}]}}},
       "status": {"replicas": 1}}
      """;

  private static JsonNode applied(String stored, String patch) throws Exception {
    return StrategicMergePatch.apply((ObjectNode) JSON.readTree(stored), JSON.readTree(patch));
  }

  @Test
  void aChangedImageChangesThatContainerAndKeepsTheOthers() throws Exception {
    // what kubectl apply sends when only the app's image changed
    JsonNode deployment = applied(DEPLOYMENT, """
        {"spec": {"template": {"spec": {
          "$setElementOrder/containers": [{"name": "app"}, {"name": "sidecar"}],
          "containers": [{"image": "rose:2", "name": "app"}]}}}}
        """);
    JsonNode containers = deployment.at("/spec/template/spec/containers");
    assertThat(containers).hasSize(2);
    assertThat(containers.get(0).path("image").asText()).isEqualTo("rose:2");
    assertThat(containers.get(0).path("env")).hasSize(2);
    assertThat(containers.get(0).path("volumeMounts").get(0).path("mountPath").asText()).isEqualTo("/data");
    assertThat(containers.get(1).path("image").asText()).isEqualTo("side:1");
    assertThat(deployment.at("/status/replicas").asInt()).isEqualTo(1);
    assertThat(deployment.toString()).doesNotContain("$setElementOrder");
  }

  @Test
  void itemsAreAddedChangedAndDeletedByTheirMergeKey() throws Exception {
    JsonNode deployment = applied(DEPLOYMENT, """
        {"spec": {"template": {"spec": {"containers": [{"name": "app",
          "$setElementOrder/env": [{"name": "A"}, {"name": "C"}],
          "env": [{"name": "A", "value": "one"}, {"name": "C", "value": "3"}, {"$patch": "delete", "name": "B"}],
          "ports": [{"containerPort": 81, "name": "admin"}],
          "volumeMounts": [{"$patch": "delete", "mountPath": "/data"}]}],
          "volumes": [{"name": "cache", "emptyDir": {}}]}}}}
        """);
    JsonNode app = deployment.at("/spec/template/spec/containers/0");
    assertThat(app.path("env").toString()).isEqualTo("[{\"name\":\"A\",\"value\":\"one\"},{\"name\":\"C\",\"value\":\"3\"}]");
    // no $setElementOrder (a hand-written patch): the new item comes first, as the API server puts it
    assertThat(app.path("ports")).extracting(p -> p.path("containerPort").asInt()).containsExactly(81, 80);
    assertThat(app.path("volumeMounts")).isEmpty();
    assertThat(deployment.at("/spec/template/spec/volumes")).extracting(v -> v.path("name").asText())
        .containsExactly("cache", "data");
    assertThat(deployment.at("/spec/template/spec/containers/1/image").asText()).isEqualTo("side:1");
  }

  @Test
  void itemsNobodyAppliedKeepTheirPlaceAmongTheAppliedOnes() throws Exception {
    // S was added by hand (kubectl set env); B refers to it, so it must stay before B
    String stored = """
        {"env": [{"name": "A"}, {"name": "S"}, {"name": "B", "value": "$(S)/x"}]}
        """;
    JsonNode applied = applied(stored, """
        {"$setElementOrder/env": [{"name": "A"}, {"name": "B"}, {"name": "C"}], "env": [{"name": "C", "value": "3"}]}
        """);
    assertThat(applied.path("env")).extracting(e -> e.path("name").asText()).containsExactly("A", "S", "B", "C");
    // without an order, the patch's own: its items first where the stored list did not place them
    JsonNode patched = applied("""
        {"containers": [{"name": "a"}, {"name": "b"}]}
        """, """
        {"containers": [{"name": "c"}, {"name": "a", "image": "a:2"}]}
        """);
    assertThat(patched.path("containers")).extracting(c -> c.path("name").asText()).containsExactly("c", "a", "b");
    JsonNode reordered = applied(stored, """
        {"$setElementOrder/env": [{"name": "B"}, {"name": "A"}]}
        """);
    // S was stored before B, so it stays before B
    assertThat(reordered.path("env")).extracting(e -> e.path("name").asText()).containsExactly("S", "B", "A");
  }

  @Test
  void listsWithoutAMergeKeyAreReplacedAndNullRemovesAField() throws Exception {
    JsonNode deployment = applied(DEPLOYMENT, """
        {"metadata": {"labels": {"app": null, "tier": "web"}},
         "spec": {"replicas": null, "template": {"spec": {"containers": [{"name": "app", "args": ["--port", "81"]}]}}}}
        """);
    assertThat(deployment.at("/metadata/labels").toString()).isEqualTo("{\"tier\":\"web\"}");
    assertThat(deployment.at("/spec").has("replicas")).isFalse();
    assertThat(deployment.at("/spec/template/spec/containers/0/args").toString()).isEqualTo("[\"--port\",\"81\"]");
  }

  @Test
  void aServicesPortsAreKeyedByPort() throws Exception {
    JsonNode service = applied("""
        {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "targetPort": 8443}]}}
        """, """
        {"spec": {"ports": [{"port": 80, "targetPort": 9090}]}}
        """);
    assertThat(service.at("/spec/ports")).extracting(p -> p.path("targetPort").asInt()).containsExactly(9090, 8443);
  }

  @Test
  void finalizersMergeAsASetAndTheDeleteDirectiveRemovesValues() throws Exception {
    JsonNode added = applied(DEPLOYMENT, """
        {"metadata": {"finalizers": ["a", "b"]}}
        """);
    assertThat(added.at("/metadata/finalizers").toString()).isEqualTo("[\"a\",\"b\"]");
    JsonNode removed = applied(added.toString(), """
        {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}
        """);
    assertThat(removed.at("/metadata/finalizers").toString()).isEqualTo("[\"b\"]");
    JsonNode reordered = applied(added.toString(), """
        {"metadata": {"$setElementOrder/finalizers": ["b", "a"]}}
        """);
    assertThat(reordered.at("/metadata/finalizers").toString()).isEqualTo("[\"b\",\"a\"]");
  }

  @Test
  void replaceAndRetainKeysDirectivesReplaceWhatTheyName() throws Exception {
    JsonNode replacedList = applied(DEPLOYMENT, """
        {"spec": {"template": {"spec": {"containers": [{"$patch": "replace"}, {"name": "only", "image": "only:1"}]}}}}
        """);
    assertThat(replacedList.at("/spec/template/spec/containers").toString())
        .isEqualTo("[{\"name\":\"only\",\"image\":\"only:1\"}]");
    JsonNode replacedMap = applied(DEPLOYMENT, """
        {"metadata": {"labels": {"$patch": "replace", "tier": "web"}}}
        """);
    assertThat(replacedMap.at("/metadata/labels").toString()).isEqualTo("{\"tier\":\"web\"}");
    // kubectl sends $retainKeys for union types such as a volume's source or a rollout strategy
    JsonNode retained = applied(DEPLOYMENT, """
        {"spec": {"template": {"spec": {"volumes": [{"$retainKeys": ["emptyDir", "name"], "emptyDir": {}, "name": "data"}]}}}}
        """);
    assertThat(retained.at("/spec/template/spec/volumes/0").toString()).isEqualTo("{\"name\":\"data\",\"emptyDir\":{}}");
  }

  @Test
  void aPatchTheApiServerRefusesSaysWhy() {
    assertThatThrownBy(() -> applied(DEPLOYMENT, "[]")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> applied(DEPLOYMENT, """
        {"metadata": {"labels": {"$patch": "shuffle"}}}
        """)).hasMessageContaining("unknown patch type: shuffle");
    assertThatThrownBy(() -> applied(DEPLOYMENT, """
        {"spec": {"template": {"spec": {"containers": [{"image": "nameless:1"}]}}}}
        """)).hasMessageContaining("does not contain declared merge key: name");
  }
}
