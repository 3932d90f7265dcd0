package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.UnknownKeywordFactory;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file under {@code examples/} is checked twice: the Lifeboat objects against the generated
 * CRDs' {@code openAPIV3Schema} with a JSON-schema validator (a second opinion beside the sandbox
 * API server's own checks, and strict about unknown fields, as {@code kubectl apply} is), and every
 * example by running the sandbox commands its README shows, which apply every folder of YAML
 * through the sandbox's API server, which must accept it.
 */
class ExamplesTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Map<String, String> CRD_FILES = Map.of(
      "BackupPolicy", "backuppolicies.lifeboat.dev-v1.yml",
      "RestoreRequest", "restorerequests.lifeboat.dev-v1.yml");
  /** OpenAPI and Kubernetes extensions a JSON-schema validator does not know; they carry no type rules. */
  private static final List<String> KUBERNETES_KEYWORDS = List.of("nullable", "x-kubernetes-validations",
      "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
      "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type");

  private static Path root;
  private static Path examples;
  private static Map<String, JsonSchema> schemas;

  @TempDir
  Path state;

  @BeforeAll
  static void loadSchemas() throws IOException {
    root = Path.of(System.getProperty("lifeboat.projectRoot", "..")).toAbsolutePath().normalize();
    examples = root.resolve("examples");
    JsonMetaSchema openApi = JsonMetaSchema.builder(JsonMetaSchema.getV4())
        .keywords(KUBERNETES_KEYWORDS.stream().map(NonValidationKeyword::new).toList())
        .unknownKeywordFactory(UnknownKeywordFactory.getInstance())
        .build();
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b.metaSchema(openApi));
    schemas = CRD_FILES.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> {
      try {
        JsonNode crd = YAML.readTree(root.resolve("crds").resolve(e.getValue()).toFile());
        JsonNode version = crd.path("spec").path("versions").get(0);
        ObjectNode schema = ((ObjectNode) version.path("schema").path("openAPIV3Schema")).deepCopy();
        return factory.getSchema(strict(schema));
      } catch (IOException ex) {
        throw new IllegalStateException("cannot read CRD " + e.getValue(), ex);
      }
    }));
  }

  /**
   * Like {@code kubectl apply} (strict field validation), unknown fields are errors: every object
   * schema with properties gets {@code additionalProperties: false}; the root also allows
   * apiVersion, kind and metadata, which the CRD schema leaves to the API server.
   */
  private static ObjectNode strict(ObjectNode schema) {
    ObjectNode properties = (ObjectNode) schema.get("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    properties.putObject("metadata").put("type", "object");
    closeObjects(schema);
    return schema;
  }

  private static void closeObjects(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties") && !object.has("additionalProperties")
          && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        object.put("additionalProperties", false);
      }
      object.properties().forEach(field -> {
        if (!field.getKey().equals("default") && !field.getKey().equals("enum")) {
          closeObjects(field.getValue());
        }
      });
    } else if (node != null && node.isArray()) {
      node.forEach(ExamplesTest::closeObjects);
    }
  }

  private record Document(Path file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String where() {
      return examples.relativize(file) + " (" + kind() + " " + node.path("metadata").path("name").asText() + ")";
    }
  }

  private static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(examples)) {
      return walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  private static List<Document> documents(Path file) throws IOException {
    List<Document> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && !node.isNull() && !node.isMissingNode() && !node.isEmpty()) {
          documents.add(new Document(file, node));
        }
      }
    }
    return documents;
  }

  private static Set<String> validate(JsonNode object) {
    JsonSchema schema = schemas.get(object.path("kind").asText());
    return schema.validate(object).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
  }

  @Test
  void everyExampleValidatesAgainstTheGeneratedSchema() throws IOException {
    assertThat(examples).isDirectory();
    List<Path> folders;
    try (Stream<Path> list = Files.list(examples)) {
      folders = list.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(folders).extracting(p -> p.getFileName().toString()).contains("quickstart", "sqlite-daily",
        "offsite-encrypted", "gfs-retention", "postgres-dump", "compose-volumes", "snapshot");
    List<Path> files = yamlFiles();
    assertThat(files).isNotEmpty();

    KubernetesSerialization serialization = new KubernetesSerialization();
    SoftAssertions softly = new SoftAssertions();
    for (Path folder : folders) {
      softly.assertThat(folder.resolve("README.md")).as("every example folder has a README.md").isRegularFile();
    }
    int lifeboatObjects = 0;
    for (Path file : files) {
      List<Document> documents = documents(file);
      softly.assertThat(documents).as("%s holds at least one object", examples.relativize(file)).isNotEmpty();
      for (Document doc : documents) {
        softly.assertThat(doc.node().path("apiVersion").asText()).as("%s: apiVersion", doc.where()).isNotBlank();
        softly.assertThat(doc.node().path("metadata").path("name").asText()).as("%s: metadata.name", doc.where())
            .isNotBlank();
        if (!doc.kind().equals("Namespace")) {
          softly.assertThat(doc.node().path("metadata").path("namespace").asText())
              .as("%s: metadata.namespace (examples never depend on the current namespace)", doc.where()).isNotBlank();
        }
        if (CRD_FILES.containsKey(doc.kind())) {
          lifeboatObjects++;
          softly.assertThat(doc.node().path("apiVersion").asText()).as("%s: apiVersion", doc.where())
              .isEqualTo("lifeboat.dev/v1alpha1");
          softly.assertThat(validate(doc.node())).as("%s against the generated CRD schema", doc.where()).isEmpty();
        } else {
          Object typed = serialization.unmarshal(YAML.writeValueAsString(doc.node()));
          softly.assertThat(typed).as("%s is a Kubernetes kind the client knows", doc.where())
              .isInstanceOf(HasMetadata.class).isNotInstanceOf(GenericKubernetesResource.class);
        }
      }
    }
    softly.assertThat(lifeboatObjects).as("BackupPolicies and RestoreRequests found")
        .isGreaterThanOrEqualTo(folders.size());
    softly.assertAll();
  }

  @Test
  void aBrokenExampleIsRejected() throws IOException {
    String valid = """
        apiVersion: lifeboat.dev/v1alpha1
        kind: BackupPolicy
        metadata: {name: broken, namespace: rose}
        spec:
          schedule: "0 2 * * *"
          source: {claims: [memory-data]}
          destination: {s3: {bucket: lifeboat, credentialsSecretRef: {name: s3-credentials}}}
          retention: {keepDaily: 7}
        """;
    assertThat(validate(YAML.readTree(valid))).as("the unbroken policy").isEmpty();

    assertThat(validate(YAML.readTree(valid.replace("keepDaily: 7", "keepDaily: seven"))))
        .as("a word where a number belongs").isNotEmpty().anySatisfy(m -> assertThat(m).contains("keepDaily"));
    assertThat(validate(YAML.readTree(valid.replace("  schedule: \"0 2 * * *\"\n", ""))))
        .as("the required schedule missing").isNotEmpty().anySatisfy(m -> assertThat(m).contains("schedule"));
    assertThat(validate(YAML.readTree(valid.replace("keepDaily: 7", "keepDialy: 7"))))
        .as("a misspelled field name").isNotEmpty().anySatisfy(m -> assertThat(m).contains("keepDialy"));
    assertThat(validate(YAML.readTree(valid.replace("bucket: lifeboat", "bucket: Lifeboat_Backups"))))
        .as("a bucket name S3 would refuse").isNotEmpty().anySatisfy(m -> assertThat(m).contains("bucket"));
  }

  /** How every example's README starts the commands that run it, on one line each. */
  static final String COMMAND = "java -jar sandbox/target/lifeboat-sandbox.jar run ";

  /**
   * Every example folder runs in the sandbox with the commands its README shows, as written: each
   * line starting {@value #COMMAND} (but one keeping the sandbox running for kubectl) exits 0 (the
   * backup or restore it waits for held), and a line
   * {@code rm -rf STATE/...} between them is done too. Only the state directory (a temporary one
   * per example) and the ports (free ones) differ from what a reader types.
   */
  @TestFactory
  Stream<DynamicTest> everyExampleRunsWithTheCommandsItsReadmeShows() throws IOException {
    List<Path> folders;
    try (Stream<Path> list = Files.list(examples)) {
      folders = list.filter(Files::isDirectory).sorted().toList();
    }
    Files.setAttribute(state, "unix:mode", 0755); // Jobs running as the app's uid reach the volumes
    Set<Path> applied = new java.util.HashSet<>();
    Stream<DynamicTest> runs = folders.stream().map(folder -> DynamicTest.dynamicTest(folder.getFileName().toString(),
        () -> {
          List<String> lines = Files.readAllLines(folder.resolve("README.md")).stream().map(String::strip)
              .filter(line -> line.startsWith(COMMAND) || line.startsWith("rm -rf "))
              // a sandbox left running for kubectl: SandboxKubectlTest plays that way
              .filter(line -> !line.contains("--keep-running")).toList();
          assertThat(lines).as("commands in %s/README.md", folder.getFileName()).anyMatch(l -> l.startsWith(COMMAND));
          Path states = Files.createDirectories(state.resolve(folder.getFileName().toString()));
          for (String line : lines) {
            List<String> words = List.of(line.split(" +"));
            if (words.get(0).equals("rm")) {
              VolumeCopy.delete(states.resolve(words.get(2)));
              continue;
            }
            List<String> args = new ArrayList<>(words.subList(3, words.size()));
            for (int i = 0; i < args.size() - 1; i++) {
              if (args.get(i).equals("--state")) {
                args.set(i + 1, states.resolve(args.get(i + 1)).toString());
              } else if (args.get(i).equals("--apply")) {
                Path path = root.resolve(args.get(i + 1)).normalize();
                applied.add(Files.isDirectory(path) ? path : path.getParent());
                args.set(i + 1, path.toString());
              }
            }
            args.addAll(List.of("--s3-port", "0", "--operator-port", "0"));
            SandboxCli.Result result = SandboxCli.run(args.toArray(String[]::new));
            assertThat(result.exitCode()).as("%s\n%s", line, result.output()).isZero();
            assertThat(result.output()).as(line).contains("all held");
          }
        }));
    DynamicTest everyFolder = DynamicTest.dynamicTest("every folder of YAML is applied by some README", () ->
        assertThat(applied).containsExactlyInAnyOrderElementsOf(
            yamlFiles().stream().map(Path::getParent).distinct().toList()));
    return Stream.concat(runs, Stream.of(everyFolder));
  }
}
