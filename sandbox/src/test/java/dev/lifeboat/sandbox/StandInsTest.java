package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code run --stand-in} does to the Secrets applied and to the agents' command lines. */
class StandInsTest {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final String ENDPOINT = "http://127.0.0.1:40000";

  @TempDir
  Path state;

  /** The offsite example's shape: credentials and a key named by a policy; placeholders as shipped. */
  @SuppressWarnings("unchecked")
  static List<HasMetadata> objects() {
    // Several documents unmarshal to a list of them.
    return (List<HasMetadata>) YAML.<Object>unmarshal("""
        apiVersion: v1
        kind: Secret
        metadata: {name: s3-credentials, namespace: history}
        stringData: {AWS_ACCESS_KEY_ID: REPLACE_WITH_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: REPLACE_WITH_SECRET_ACCESS_KEY}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: backup-key, namespace: history}
        stringData: {key: REPLACE_WITH_THE_OUTPUT_OF_openssl_rand_base64_48, note: kept}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: unrelated, namespace: history}
        stringData: {key: REPLACE_ME}
        ---
        apiVersion: lifeboat.dev/v1alpha1
        kind: BackupPolicy
        metadata: {name: history-offsite, namespace: history}
        spec:
          schedule: "0 2 * * *"
          source: {claims: [data-volume]}
          destination:
            s3: {bucket: history-backups, region: us-east-1, credentialsSecretRef: {name: s3-credentials},
                 serverSideEncryption: "aws:kms", kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/x"}
          encryption: {keySecretRef: {name: backup-key}}
          retention: {keepDaily: 7}
        """);
  }

  static Map<String, String> values(HasMetadata secret) {
    Map<String, String> values = new java.util.TreeMap<>();
    Secret s = (Secret) secret;
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (s.getStringData() != null) {
      values.putAll(s.getStringData());
    }
    return values;
  }

  HasMetadata admitted(StandIns standIns, String name) {
    return standIns.admit(objects().stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst().orElseThrow());
  }

  @Test
  void referencedSecretsGetTheSandboxCredentialsAndAGeneratedKeyNeverThePlaceholders() {
    StandIns standIns = StandIns.forObjects(state, ENDPOINT, objects());

    assertThat(standIns.secrets()).containsExactly("history/backup-key", "history/s3-credentials");
    assertThat(values(admitted(standIns, "s3-credentials"))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "AWS_ACCESS_KEY_ID", Sandbox.S3_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", Sandbox.S3_SECRET_KEY));
    Map<String, String> key = values(admitted(standIns, "backup-key"));
    assertThat(key).containsEntry("note", "kept").doesNotContainValue("REPLACE_WITH_THE_OUTPUT_OF_openssl_rand_base64_48");
    assertThat(Base64.getDecoder().decode(key.get("key"))).as("48 random bytes, base64").hasSize(48);
    assertThat(values(admitted(standIns, "unrelated"))).as("a Secret no Lifeboat object names")
        .containsExactly(Map.entry("key", "REPLACE_ME"));
  }

  @Test
  void theGeneratedKeyIsTheSameInALaterRunOverTheSameState() {
    String first = values(admitted(StandIns.forObjects(state, ENDPOINT, objects()), "backup-key")).get("key");
    String again = values(admitted(StandIns.forObjects(state, ENDPOINT, objects()), "backup-key")).get("key");
    assertThat(again).isEqualTo(first);
  }

  @Test
  void anAgentReachesTheSandboxS3ServerWhateverItsDestinationSays() {
    StandIns standIns = StandIns.forObjects(state, ENDPOINT, objects());
    Path blobs = state.resolve("s3");

    List<String> args = standIns.redirect(List.of("agent", "backup", "--repository", "s3://n8n-backups/prod",
        "--endpoint", "https://s3.us-west-004.backblazeb2.com", "--region", "us-west-004", "--namespace", "n8n",
        "--policy", "n8n-stack", "--sse", "aws:kms", "--kms-key-id", "arn:x", "--backup-id", "20251109T020000Z"), blobs);

    assertThat(args).containsExactly("agent", "backup", "--repository", "s3://n8n-backups/prod", "--endpoint", ENDPOINT,
        "--region", "us-east-1", "--path-style", "--namespace", "n8n", "--policy", "n8n-stack",
        "--backup-id", "20251109T020000Z");
    assertThat(blobs.resolve("n8n-backups")).as("the bucket, created").isDirectory();
    assertThat(standIns.redirect(List.of("--version"), blobs)).as("no repository, nothing to redirect")
        .containsExactly("--version");
  }
}
