package dev.lifeboat.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** The new fields read from YAML as users write them, and written back unchanged. */
class DumpApiJsonTest {
  static final String POLICY = """
      apiVersion: lifeboat.dev/v1alpha1
      kind: BackupPolicy
      metadata: {name: tzurot, namespace: tzurot}
      spec:
        schedule: "@daily"
        source:
          dumps:
          - name: tzurot-db
            image: postgres:16
            command: [pg_dump, --format=custom, --dbname=$(DATABASE_URL)]
            args: [--no-owner]
            env: [{name: PGCONNECT_TIMEOUT, value: "10"}]
            envFrom: [{secretRef: {name: tzurot-db}}]
            resources: {requests: {memory: 256Mi}}
            timeoutSeconds: 900
          - name: cache
            image: redis:7
            command: [redis-cli, --rdb, /dev/stdout]
        snapshotTimeoutSeconds: 120
        hooks:
          before:
          - command: [sqlite3, /data/app.db, .backup /data/app.db.bak]
        destination: {s3: {bucket: backups, credentialsSecretRef: {name: s3}}}
        retention: {keepDaily: 7}
      """;

  static final String RESTORE = """
      apiVersion: lifeboat.dev/v1alpha1
      kind: RestoreRequest
      metadata: {name: tzurot-db, namespace: tzurot}
      spec:
        source: {policy: tzurot, dump: tzurot-db}
        target:
          command:
            image: postgres:16
            command: [pg_restore, --clean, --dbname=$(DATABASE_URL)]
            envFrom: [{secretRef: {name: tzurot-db}}]
      """;

  @Test
  void aDumpSourceReadsEveryField() {
    BackupPolicySpec spec = Serialization.unmarshal(POLICY, BackupPolicy.class).getSpec();

    assertThat(spec.source.claims).isNull();
    assertThat(spec.source.dumps).hasSize(2);
    DumpSource db = spec.source.dumps.get(0);
    assertThat(db.name).isEqualTo("tzurot-db");
    assertThat(db.image).isEqualTo("postgres:16");
    assertThat(db.command).containsExactly("pg_dump", "--format=custom", "--dbname=$(DATABASE_URL)");
    assertThat(db.args).containsExactly("--no-owner");
    assertThat(db.env.get(0).getName()).isEqualTo("PGCONNECT_TIMEOUT");
    assertThat(db.envFrom.get(0).getSecretRef().getName()).isEqualTo("tzurot-db");
    assertThat(db.resources.getRequests()).containsEntry("memory", new Quantity("256Mi"));
    assertThat(db.timeoutSeconds).isEqualTo(900);
    assertThat(spec.source.dumps.get(1).timeoutSeconds).as("default").isEqualTo(3600);
    assertThat(spec.snapshotTimeoutSeconds).isEqualTo(120);
    assertThat(spec.hooks.before.get(0).podSelector).as("optional").isNull();
  }

  @Test
  void aCommandTargetAndADumpSourceReadEveryField() {
    RestoreRequestSpec spec = Serialization.unmarshal(RESTORE, RestoreRequest.class).getSpec();

    assertThat(spec.source.dump).isEqualTo("tzurot-db");
    assertThat(spec.target.claim).isNull();
    assertThat(spec.target.command.image).isEqualTo("postgres:16");
    assertThat(spec.target.command.command).containsExactly("pg_restore", "--clean", "--dbname=$(DATABASE_URL)");
    assertThat(spec.target.command.envFrom.get(0).getSecretRef().getName()).isEqualTo("tzurot-db");
    assertThat(RestoreTarget.claimName(spec.target)).as("a command target has no claim").isNull();
  }

  @Test
  void theNewFieldsAreWrittenBackAsTheyWereRead() {
    JsonNode policy = tree(POLICY);
    // The default is written too, as the API server would have filled it in.
    ((com.fasterxml.jackson.databind.node.ObjectNode) policy.at("/spec/source/dumps/1")).put("timeoutSeconds", 3600);
    assertThat(Serialization.jsonMapper().valueToTree(Serialization.unmarshal(POLICY, BackupPolicy.class))
        .at("/spec/source")).isEqualTo(policy.at("/spec/source"));
    JsonNode restore = tree(RESTORE);
    JsonNode written = Serialization.jsonMapper().valueToTree(Serialization.unmarshal(RESTORE, RestoreRequest.class));
    assertThat(written.at("/spec/source")).isEqualTo(restore.at("/spec/source"));
    assertThat(written.at("/spec/target")).isEqualTo(restore.at("/spec/target"));
  }

  @Test
  void aPolicyWithoutTheNewFieldsWritesNoneOfThem() {
    BackupPolicySpec spec = new BackupPolicySpec();
    spec.source = new BackupSource();
    spec.source.claims = java.util.List.of("memory-data");
    JsonNode written = Serialization.jsonMapper().valueToTree(spec);
    assertThat(written.at("/source").has("dumps")).isFalse();
    assertThat(written.get("snapshotTimeoutSeconds").asInt()).as("the CRD default").isEqualTo(600);
  }

  static JsonNode tree(String yaml) {
    return Serialization.jsonMapper().valueToTree(Serialization.unmarshal(yaml, java.util.Map.class));
  }
}
