package dev.lifeboat.sandbox.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Good and bad objects against the generated CRDs, each refused in the API server's words, naming
 * the field (kubectl shows the API server's causes after {@code The <Kind> "<name>" is invalid: }).
 */
public class CustomResourceValidatorTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String SCHEDULE_PATTERN =
      "^(@(hourly|daily|weekly|monthly|yearly|annually|midnight)|\\S+(\\s+\\S+){4})$";
  private static final String DURATION_PATTERN = "^([0-9]+(s|m|h|d|w))+$";
  private static final String RULES_NOT_CHECKED = "<nil>: Invalid value: \"null\": some validation rules were not"
      + " checked because the object was invalid; correct the existing errors to complete validation";

  /** A valid BackupPolicy, the quickstart's, for tests to break. */
  public static final String POLICY = """
      apiVersion: lifeboat.dev/v1alpha1
      kind: BackupPolicy
      metadata: {name: rose-memory, namespace: rose}
      spec:
        schedule: "0 2 * * *"
        source: {claims: [memory-data]}
        destination: {s3: {bucket: lifeboat, credentialsSecretRef: {name: s3-credentials}}}
        retention: {keepDaily: 7}
        alerts: {maxAge: 26h}
      """;

  /** A valid RestoreRequest of that policy. */
  public static final String RESTORE = """
      apiVersion: lifeboat.dev/v1alpha1
      kind: RestoreRequest
      metadata: {name: rose-restore, namespace: rose}
      spec:
        source: {policy: rose-memory}
        target: {claim: memory-data}
      """;

  private static Map<String, CustomResourceValidator> validators;

  @BeforeAll
  static void readCrds() throws IOException {
    validators = Map.of("BackupPolicy", crd("backuppolicies"), "RestoreRequest", crd("restorerequests"));
  }

  /** The CRDs as the operator's build generates them (the sandbox installs the same files). */
  static CustomResourceValidator crd(String plural) throws IOException {
    try (InputStream in = CustomResourceValidatorTest.class.getResourceAsStream(
        "/META-INF/fabric8/" + plural + ".lifeboat.dev-v1.yml")) {
      return new CustomResourceValidator(YAML.readTree(in));
    }
  }

  static Optional<String> refusal(String yaml, String oldYaml) throws IOException {
    JsonNode object = YAML.readTree(yaml);
    JsonNode old = oldYaml == null ? null : YAML.readTree(oldYaml);
    return validators.get(object.path("kind").asText()).validate(object, old).map(Invalid::kubectlMessage);
  }

  static Arguments policy(String what, String from, String to, String causes) {
    return Arguments.of(what, POLICY.replace(from, to), causes == null ? null : "The BackupPolicy \"rose-memory\" is invalid: " + causes);
  }

  static Arguments restore(String what, String from, String to, String causes) {
    return Arguments.of(what, RESTORE.replace(from, to), causes == null ? null : "The RestoreRequest \"rose-restore\" is invalid: " + causes);
  }

  static Stream<Arguments> objects() {
    return Stream.of(
        policy("the quickstart's policy", "", "", null),
        policy("@daily", "\"0 2 * * *\"", "\"@daily\"", null),
        policy("a keep rule beside zeros", "keepDaily: 7", "keepDaily: 0, keepLast: 3", null),
        policy("a quantity as minSize", "alerts: {maxAge: 26h}", "alerts: {maxAge: 1d12h, minSize: 50Ki}", null),
        policy("a schedule in words", "\"0 2 * * *\"", "\"every day at 2\"",
            "spec.schedule: Invalid value: \"every day at 2\": spec.schedule in body should match '" + SCHEDULE_PATTERN + "'"),
        policy("a fractional duration", "maxAge: 26h", "maxAge: 1.5h",
            "spec.alerts.maxAge: Invalid value: \"1.5h\": spec.alerts.maxAge in body should match '" + DURATION_PATTERN + "'"),
        policy("an all-zero retention", "keepDaily: 7", "keepDaily: 0, keepLast: 0",
            "spec.retention: Invalid value: \"object\": retention needs at least one keep rule greater than 0"),
        policy("a negative count, which also keeps nothing", "keepDaily: 7", "keepDaily: -1",
            "[spec.retention.keepDaily: Invalid value: -1: spec.retention.keepDaily in body should be greater than or"
                + " equal to 0, spec.retention: Invalid value: \"object\": retention needs at least one keep rule greater than 0]"),
        policy("a word for a number", "keepDaily: 7", "keepDaily: seven",
            "[spec.retention.keepDaily: Invalid value: \"string\": spec.retention.keepDaily in body must be of type"
                + " integer: \"string\", " + RULES_NOT_CHECKED + "]"),
        policy("no schedule", "  schedule: \"0 2 * * *\"\n", "",
            "[spec.schedule: Required value, " + RULES_NOT_CHECKED + "]"),
        policy("an unknown compression", "retention:", "compression: lz4\n  retention:",
            "[spec.compression: Unsupported value: \"lz4\": supported values: \"gzip\", \"none\", \"zstd\", "
                + RULES_NOT_CHECKED + "]"),
        policy("a bucket name S3 refuses", "bucket: lifeboat", "bucket: Lifeboat_Backups",
            "spec.destination.s3.bucket: Invalid value: \"Lifeboat_Backups\": spec.destination.s3.bucket in body"
                + " should match '^[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]$'"),
        policy("claims and a selector", "{claims: [memory-data]}", "{claims: [memory-data], selector: {matchLabels: {app: rose}}}",
            "spec.source: Invalid value: \"object\": set at most one of source.claims or source.selector"),
        policy("a KMS key without aws:kms", "bucket: lifeboat,", "bucket: lifeboat, kmsKeyId: alias/backups,",
            "spec.destination.s3: Invalid value: \"object\": kmsKeyId needs serverSideEncryption: aws:kms"),
        restore("the quickstart's restore", "", "", null),
        restore("two targets", "{claim: memory-data}", "{claim: memory-data, newClaim: {name: restored, size: 1Gi}}",
            "spec.target: Invalid value: \"object\": set exactly one of target.claim, target.newClaim or target.command"),
        restore("no source", "  source: {policy: rose-memory}\n", "",
            "[spec.source: Required value, " + RULES_NOT_CHECKED + "]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("objects")
  void theApiServerAcceptsGoodObjectsAndRefusesBadOnesNamingTheField(String what, String yaml, String expected)
      throws IOException {
    assertThat(refusal(yaml, null)).as(what).isEqualTo(Optional.ofNullable(expected));
  }

  @Test
  void severalErrorsAreListedTogether() throws IOException {
    String yaml = POLICY.replace("\"0 2 * * *\"", "\"every day at 2\"").replace("maxAge: 26h", "maxAge: 1.5h")
        .replace("keepDaily: 7", "keepDaily: 0");
    assertThat(refusal(yaml, null)).contains("The BackupPolicy \"rose-memory\" is invalid: ["
        + "spec.schedule: Invalid value: \"every day at 2\": spec.schedule in body should match '" + SCHEDULE_PATTERN + "', "
        + "spec.alerts.maxAge: Invalid value: \"1.5h\": spec.alerts.maxAge in body should match '" + DURATION_PATTERN + "', "
        + "spec.retention: Invalid value: \"object\": retention needs at least one keep rule greater than 0]");
  }

  @Test
  void aRestoreRequestsSpecCannotChangeOnceCreatedButItsLabelsCan() throws IOException {
    String changed = RESTORE.replace("{claim: memory-data}", "{claim: other-data}");
    assertThat(refusal(changed, null)).as("a create has no old spec to compare").isEmpty();
    assertThat(refusal(changed, RESTORE)).contains("The RestoreRequest \"rose-restore\" is invalid: "
        + "spec: Invalid value: \"object\": spec is immutable; create a new RestoreRequest instead");
    String labelled = RESTORE.replace("namespace: rose}", "namespace: rose, labels: {team: rose}}");
    assertThat(refusal(labelled, RESTORE)).isEmpty();
  }

  @Test
  void defaultsAreFilledInBeforeTheRulesAndNullsAreDropped() throws IOException {
    // alerts.maxAge has a default; a null there is dropped and the default applies, as the API server does.
    assertThat(refusal(POLICY.replace("maxAge: 26h", "maxAge: null"), null)).isEmpty();
  }

  @Test
  void theStatusIsNotTheWritersToSetSoItIsNotChecked() throws IOException {
    assertThat(refusal(POLICY + "status: {nextBackup: 7}\n", null)).isEmpty();
  }

  @Test
  void aCrdWhoseRuleDoesNotCompileIsRefused() throws IOException {
    JsonNode crd = YAML.readTree("""
        spec:
          group: example.dev
          names: {kind: Thing, plural: things}
          versions:
          - name: v1
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-validations: [{rule: "self.size( >", message: broken}]
        """);
    assertThatThrownBy(() -> new CustomResourceValidator(crd))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("self.size( >");
  }

  @Test
  void unknownFieldsAreNamedAsTheApiServersStrictDecodingNamesThem() throws IOException {
    JsonNode typos = YAML.readTree(POLICY.replace("retention: {keepDaily: 7}", "retension: {keepDaily: 7}")
        .replace("source: {claims: [memory-data]}", "source: {claims: [memory-data], claim: memory-data}")
        .replace("metadata: {name: rose-memory, namespace: rose}",
            "metadata: {name: rose-memory, namespace: rose, lables: {app: rose}}"));
    CustomResourceValidator policies = validators.get("BackupPolicy");
    assertThat(policies.unknownFields(typos)).containsExactlyInAnyOrder("metadata.lables", "spec.source.claim",
        "spec.retension");
    assertThat(policies.strictDecodingError(typos, java.util.List.of("spec.retension"))).isEqualTo("BackupPolicy in "
        + "version \"v1alpha1\" cannot be handled as a BackupPolicy: strict decoding error: unknown field \"spec.retension\"");
    assertThat(policies.unknownFields(YAML.readTree(POLICY))).isEmpty();
    assertThat(validators.get("RestoreRequest").unknownFields(YAML.readTree(RESTORE))).isEmpty();
  }
}
