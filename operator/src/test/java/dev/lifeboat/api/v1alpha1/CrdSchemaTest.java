package dev.lifeboat.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.lifeboat.testing.ProjectFiles;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableSet;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The CRDs cannot be checked by a real API server here, so they are checked by reading them:
 * drift against the build's output, descriptions, defaults, and every CEL rule compiled against
 * a type built from the schema (as the API server does when the CRD is applied).
 */
class CrdSchemaTest {
  static final List<String> CRDS = List.of("backuppolicies.lifeboat.dev-v1.yml", "restorerequests.lifeboat.dev-v1.yml");
  static final String REGENERATE = "regenerate with: mvn -B -Pupdate-crds -pl operator process-classes";

  @ParameterizedTest
  @ValueSource(strings = {"crds", "helm/lifeboat/crds"})
  void committedCrdsMatchWhatTheBuildGenerates(String folder) throws IOException {
    for (String crd : CRDS) {
      String generated = Files.readString(generated(crd));
      Path committed = ProjectFiles.resolve(folder).resolve(crd);
      assertThat(committed).as("%s is missing; %s", committed, REGENERATE).exists();
      assertThat(Files.readString(committed)).as("%s/%s differs from the generated CRD; %s", folder, crd, REGENERATE)
          .isEqualTo(generated);
    }
  }

  @Test
  void theVolumeSnapshotModelGetsNoCrdFromTheBuild() throws IOException {
    try (var generated = Files.list(generated(CRDS.get(0)).getParent())) {
      assertThat(generated.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".yml")))
          .as("only Lifeboat's own CRDs: the snapshot CRD belongs to the CSI external-snapshotter")
          .containsExactlyInAnyOrderElementsOf(CRDS);
    }
  }

  @Test
  void everyFieldHasADescription() throws IOException {
    for (String crd : CRDS) {
      List<String> missing = new ArrayList<>();
      JSONSchemaProps root = schema(crd);
      for (String top : List.of("spec", "status")) {
        collectUndescribed(root.getProperties().get(top), top, missing);
      }
      assertThat(missing).as("fields without description in %s", crd).isEmpty();
    }
  }

  @Test
  void defaultsAreThoseOfTheSpec() throws IOException {
    JSONSchemaProps policy = schema(CRDS.get(0)).getProperties().get("spec");
    assertThat(policy.getProperties().get("timeZone").getDefault().asText()).isEqualTo("UTC");
    assertThat(policy.getProperties().get("compression").getDefault().asText()).isEqualTo("zstd");
    assertThat(policy.getProperties().get("copyMethod").getDefault().asText()).isEqualTo("Direct");
    JSONSchemaProps alerts = policy.getProperties().get("alerts");
    assertThat(alerts.getProperties().get("maxAge").getDefault().asText()).isEqualTo("26h");
    assertThat(alerts.getProperties().get("minSize").getDefault().asText()).isEqualTo("50Ki");
    JSONSchemaProps restore = schema(CRDS.get(1)).getProperties().get("spec");
    assertThat(restore.getProperties().get("mode").getDefault().asText()).isEqualTo("Replace");
  }

  @Test
  void printerColumnsAndShortNamesAreThoseOfTheSpec() throws IOException {
    CustomResourceDefinition policy = crd(CRDS.get(0));
    assertThat(policy.getSpec().getNames().getShortNames()).containsExactly("bp");
    assertThat(policy.getSpec().getVersions().get(0).getSubresources().getStatus()).isNotNull();
    CustomResourceDefinition restore = crd(CRDS.get(1));
    assertThat(restore.getSpec().getNames().getShortNames()).containsExactly("rr");
  }

  @Test
  void kubectlGetShowsTheColumnsInOrderWithAgeLast() throws IOException {
    assertThat(columns(CRDS.get(0), 0)).containsExactly("Schedule", "Last Success", "Overdue", "Kept", "Next", "Age");
    assertThat(columns(CRDS.get(1), 0)).containsExactly("Phase", "Backup", "Progress", "Age");
  }

  @Test
  void wideOutputAddsDetailsAfterAge() throws IOException {
    // As kubectl's own kinds do (pods: ... AGE IP NODE): -o wide keeps the default columns first.
    assertThat(columns(CRDS.get(0), null)).endsWith("Age", "Last Run", "Size", "Bucket", "Reason");
    assertThat(columns(CRDS.get(1), null)).endsWith("Age", "Stage", "Safety Backup", "Message");
  }

  @Test
  void timesInTheFutureArePrintedAsTimesNotInvalid() throws IOException {
    // The API server turns a "date" column into an age, and a future time into "<invalid>": Next is
    // always in the future, so it (and Last Success, for one look at both) is an RFC 3339 string.
    var policyColumns = crd(CRDS.get(0)).getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    for (String name : List.of("Next", "Last Success")) {
      var column = policyColumns.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
      assertThat(column.getType()).as(name).isEqualTo("string");
      assertThat(column.getFormat()).as(name).isEqualTo("date-time");
    }
    for (String crd : CRDS) {
      assertThat(crd(crd).getSpec().getVersions().get(0).getAdditionalPrinterColumns())
          .filteredOn(c -> "date".equals(c.getType()))
          .as("date columns in %s: only the creation time, which is never in the future", crd)
          .extracting(c -> c.getJsonPath()).containsExactly(".metadata.creationTimestamp");
    }
  }

  @Test
  void kubectlGetLifeboatListsBothKinds() throws IOException {
    for (String crd : CRDS) {
      assertThat(crd(crd).getSpec().getNames().getCategories()).as(crd).containsExactly("lifeboat", "backup");
    }
  }

  @Test
  void eachKindIsDescribedAtTheRootOfItsSchema() throws IOException {
    // kubectl explain backuppolicy prints this description first.
    assertThat(schema(CRDS.get(0)).getDescription()).startsWith("A BackupPolicy backs up PersistentVolumeClaims");
    assertThat(schema(CRDS.get(1)).getDescription()).startsWith("A RestoreRequest restores one backup");
  }

  @Test
  void conditionsAreAMapListKeyedOnTypeWithTransitionTimes() throws IOException {
    for (String crd : CRDS) {
      JSONSchemaProps conditions = schema(crd).getProperties().get("status").getProperties().get("conditions");
      assertThat(conditions.getXKubernetesListType()).as(crd).isEqualTo("map");
      assertThat(conditions.getXKubernetesListMapKeys()).as(crd).containsExactly("type");
      JSONSchemaProps item = conditions.getItems().getSchema();
      // The API server accepts a map key only when it is required.
      assertThat(item.getRequired()).as(crd).contains("type");
      assertThat(item.getProperties().get("lastTransitionTime").getFormat()).as(crd).isEqualTo("date-time");
    }
  }

  @Test
  void everyCelRuleCompilesAgainstTheSchema() throws IOException {
    int rules = 0;
    for (String crd : CRDS) {
      List<RuleAt> found = new ArrayList<>();
      collectRules(schema(crd), crd, found);
      for (RuleAt rule : found) {
        var result = compilerFor(rule.schema()).compile(rule.rule().getRule());
        assertThat(result.hasError()).as("CEL rule at %s does not compile: %s\n%s", rule.path(), rule.rule().getRule(),
            result.getAllIssues()).isFalse();
        rules++;
      }
    }
    assertThat(rules).as("CEL rules found").isGreaterThanOrEqualTo(6);
  }

  @Test
  void aRuleNamingAFieldTheSchemaLacksDoesNotCompile() throws IOException {
    // Guards the test above: the schema-typed compiler must reject what the API server would.
    JSONSchemaProps source = schema(CRDS.get(0)).getProperties().get("spec").getProperties().get("source");
    assertThat(compilerFor(source).compile("has(self.claimz)").hasError()).isTrue();
    assertThat(compilerFor(source).compile("size(self.claims) > 0").hasError()).isFalse();
  }

  /** Column names in the order kubectl prints them; {@code priority} null for all (-o wide). */
  static List<String> columns(String crd, Integer priority) throws IOException {
    return crd(crd).getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
        .filter(c -> priority == null || priority.equals(c.getPriority()))
        .map(c -> c.getName()).toList();
  }

  static Path generated(String crd) {
    return ProjectFiles.resolve("operator/target/classes/META-INF/fabric8").resolve(crd);
  }

  static CustomResourceDefinition crd(String crd) throws IOException {
    try (var in = Files.newInputStream(generated(crd))) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  static JSONSchemaProps schema(String crd) throws IOException {
    return crd(crd).getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  static void collectUndescribed(JSONSchemaProps node, String path, List<String> missing) {
    if (node == null) {
      return;
    }
    if (node.getDescription() == null || node.getDescription().isBlank()) {
      missing.add(path);
    }
    if (node.getProperties() != null) {
      node.getProperties().forEach((name, child) -> collectUndescribed(child, path + "." + name, missing));
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      JSONSchemaProps items = node.getItems().getSchema();
      if (items.getProperties() != null) {
        items.getProperties().forEach((name, child) -> collectUndescribed(child, path + "[]." + name, missing));
      }
    }
  }

  record RuleAt(String path, JSONSchemaProps schema, ValidationRule rule) {}

  static void collectRules(JSONSchemaProps node, String path, List<RuleAt> out) {
    if (node == null) {
      return;
    }
    if (node.getXKubernetesValidations() != null) {
      node.getXKubernetesValidations().forEach(rule -> out.add(new RuleAt(path, node, rule)));
    }
    if (node.getProperties() != null) {
      node.getProperties().forEach((name, child) -> collectRules(child, path + "." + name, out));
    }
    if (node.getItems() != null) {
      collectRules(node.getItems().getSchema(), path + "[]", out);
    }
  }

  /** A compiler where self and oldSelf have the type of the schema node the rule sits on. */
  static CelCompiler compilerFor(JSONSchemaProps node) {
    SchemaTypes types = new SchemaTypes();
    CelType self = types.typeOf(node, "self");
    return CelCompilerFactory.standardCelCompilerBuilder()
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .setTypeProvider(types)
        .addVar("self", self)
        .addVar("oldSelf", self)
        .build();
  }

  /** Maps OpenAPI schema nodes to CEL types the way Kubernetes does for x-kubernetes-validations. */
  static final class SchemaTypes implements CelTypeProvider {
    private final Map<String, CelType> structs = new HashMap<>();

    CelType typeOf(JSONSchemaProps node, String name) {
      if (Boolean.TRUE.equals(node.getXKubernetesIntOrString()) || Boolean.TRUE.equals(node.getXKubernetesPreserveUnknownFields())) {
        return SimpleType.DYN;
      }
      String type = node.getType() == null ? "" : node.getType();
      switch (type) {
        case "string":
          return SimpleType.STRING;
        case "integer":
          return SimpleType.INT;
        case "number":
          return SimpleType.DOUBLE;
        case "boolean":
          return SimpleType.BOOL;
        case "array":
          return ListType.create(typeOf(node.getItems().getSchema(), name + ".@items"));
        case "object":
          if (node.getProperties() == null || node.getProperties().isEmpty()) {
            JSONSchemaProps values = node.getAdditionalProperties() == null ? null : node.getAdditionalProperties().getSchema();
            return MapType.create(SimpleType.STRING, values == null ? SimpleType.DYN : typeOf(values, name + ".@values"));
          }
          StructType struct = StructType.create(name, ImmutableSet.copyOf(node.getProperties().keySet()),
              field -> Optional.ofNullable(node.getProperties().get(field)).map(f -> typeOf(f, name + "." + field)));
          structs.put(name, struct);
          return struct;
        default:
          return SimpleType.DYN;
      }
    }

    @Override
    public ImmutableCollection<CelType> types() {
      return ImmutableSet.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
      return Optional.ofNullable(structs.get(typeName));
    }
  }
}
