package dev.lifeboat.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CRDs' x-kubernetes-validations rules evaluated on objects as the API server sees them
 * (serialized, defaults applied): which specs each rule lets through and which message it gives.
 * {@link CrdSchemaTest} type-checks the same rules against the schema; here self is dynamic, so the
 * rules run on plain JSON values.
 */
class CelRulesTest {
  static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .build();
  static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  // ---- BackupPolicy spec.source ----

  static BackupSource claims(String... names) {
    BackupSource source = new BackupSource();
    source.claims = List.of(names);
    return source;
  }

  static DumpSource dump(String name) {
    DumpSource dump = new DumpSource();
    dump.name = name;
    dump.image = "postgres:16";
    dump.command = List.of("pg_dump", "--dbname=$(DATABASE_URL)");
    return dump;
  }

  static List<String> sourceViolations(BackupSource source) throws Exception {
    return violations(CrdSchemaTest.CRDS.get(0), "spec.source", source);
  }

  @Test
  void claimsAloneOrASelectorAloneAreASource() throws Exception {
    assertThat(sourceViolations(claims("memory-data"))).isEmpty();
    BackupSource selector = new BackupSource();
    selector.selector = new LabelSelectorBuilder().addToMatchLabels("app", "rose").build();
    assertThat(sourceViolations(selector)).isEmpty();
  }

  @Test
  void dumpsAloneAreASource() throws Exception {
    BackupSource source = new BackupSource();
    source.dumps = List.of(dump("tzurot-db"));
    assertThat(sourceViolations(source)).isEmpty();
  }

  @Test
  void dumpsGoBesideClaimsOrASelector() throws Exception {
    BackupSource withClaims = claims("memory-data");
    withClaims.dumps = List.of(dump("tzurot-db"));
    assertThat(sourceViolations(withClaims)).isEmpty();
    BackupSource withSelector = new BackupSource();
    withSelector.selector = new LabelSelectorBuilder().addToMatchLabels("app", "rose").build();
    withSelector.dumps = List.of(dump("tzurot-db"));
    assertThat(sourceViolations(withSelector)).isEmpty();
  }

  @Test
  void aSourceWithNothingToBackUpIsRefused() throws Exception {
    assertThat(sourceViolations(new BackupSource()))
        .containsExactly("set at least one of source.claims, source.selector or source.dumps");
    BackupSource empty = claims();
    empty.dumps = List.of();
    assertThat(sourceViolations(empty))
        .containsExactly("set at least one of source.claims, source.selector or source.dumps");
  }

  @Test
  void claimsAndASelectorTogetherAreRefused() throws Exception {
    BackupSource both = claims("memory-data");
    both.selector = new LabelSelectorBuilder().addToMatchLabels("app", "rose").build();
    assertThat(sourceViolations(both)).containsExactly("set at most one of source.claims or source.selector");
  }

  @Test
  void twoDumpsOfOneNameAreRefused() throws Exception {
    BackupSource source = new BackupSource();
    source.dumps = List.of(dump("db"), dump("cache"), dump("db"));
    assertThat(sourceViolations(source)).containsExactly("source.dumps: names must be unique");
    source.dumps = List.of(dump("db"), dump("cache"));
    assertThat(sourceViolations(source)).isEmpty();
  }

  // ---- RestoreRequest spec.target, spec.source, spec ----

  static CommandContainer pgRestore() {
    CommandContainer command = new CommandContainer();
    command.image = "postgres:16";
    command.command = List.of("pg_restore", "--clean", "--dbname=$(DATABASE_URL)");
    return command;
  }

  static List<String> targetViolations(RestoreTarget target) throws Exception {
    return violations(CrdSchemaTest.CRDS.get(1), "spec.target", target);
  }

  @Test
  void aClaimANewClaimOrACommandAloneIsATarget() throws Exception {
    RestoreTarget claim = new RestoreTarget();
    claim.claim = "memory-data";
    assertThat(targetViolations(claim)).isEmpty();
    RestoreTarget newClaim = new RestoreTarget();
    newClaim.newClaim = new NewClaim();
    newClaim.newClaim.name = "restored";
    assertThat(targetViolations(newClaim)).isEmpty();
    RestoreTarget command = new RestoreTarget();
    command.command = pgRestore();
    assertThat(targetViolations(command)).isEmpty();
  }

  @Test
  void noTargetOrTwoTargetsAreRefused() throws Exception {
    String message = "set exactly one of target.claim, target.newClaim or target.command";
    assertThat(targetViolations(new RestoreTarget())).containsExactly(message);
    RestoreTarget two = new RestoreTarget();
    two.claim = "memory-data";
    two.command = pgRestore();
    assertThat(targetViolations(two)).containsExactly(message);
    RestoreTarget three = new RestoreTarget();
    three.claim = "memory-data";
    three.newClaim = new NewClaim();
    three.newClaim.name = "restored";
    three.command = pgRestore();
    assertThat(targetViolations(three)).containsExactly(message);
  }

  @Test
  void aSubPathIsRefusedWithACommandButNotWithAClaim() throws Exception {
    RestoreTarget command = new RestoreTarget();
    command.command = pgRestore();
    command.subPath = "restored";
    assertThat(targetViolations(command)).containsExactly("target.subPath applies to a volume, not to target.command");
    RestoreTarget claim = new RestoreTarget();
    claim.claim = "memory-data";
    claim.subPath = "restored";
    assertThat(targetViolations(claim)).isEmpty();
  }

  static List<String> restoreSourceViolations(RestoreSource source) throws Exception {
    return violations(CrdSchemaTest.CRDS.get(1), "spec.source", source);
  }

  @Test
  void aDumpIsRestoredAloneNotWithAClaimOrPaths() throws Exception {
    RestoreSource source = new RestoreSource();
    source.policy = "memory";
    source.dump = "tzurot-db";
    assertThat(restoreSourceViolations(source)).isEmpty();
    source.claim = "memory-data";
    assertThat(restoreSourceViolations(source)).containsExactly("source.dump cannot be combined with source.claim or source.paths");
    source.claim = null;
    source.paths = List.of("notes");
    assertThat(restoreSourceViolations(source)).containsExactly("source.dump cannot be combined with source.claim or source.paths");
  }

  @Test
  void aClaimWithPathsIsStillASource() throws Exception {
    RestoreSource source = new RestoreSource();
    source.policy = "memory";
    source.claim = "memory-data";
    source.paths = List.of("notes");
    assertThat(restoreSourceViolations(source)).isEmpty();
  }

  static RestoreRequestSpec request(RestoreMode mode, boolean command) {
    RestoreRequestSpec spec = new RestoreRequestSpec();
    spec.source = new RestoreSource();
    spec.source.policy = "memory";
    spec.target = new RestoreTarget();
    if (command) {
      spec.source.dump = "tzurot-db";
      spec.target.command = pgRestore();
    } else {
      spec.target.claim = "memory-data";
    }
    spec.mode = mode;
    return spec;
  }

  @Test
  void mergeIsRefusedWithACommandButNotWithAClaim() throws Exception {
    String crd = CrdSchemaTest.CRDS.get(1);
    assertThat(violations(crd, "spec", request(RestoreMode.Merge, true)))
        .containsExactly("mode Merge applies to a volume, not to target.command");
    assertThat(violations(crd, "spec", request(RestoreMode.Replace, true))).isEmpty();
    assertThat(violations(crd, "spec", request(RestoreMode.Merge, false))).isEmpty();
  }

  // ---- evaluation ----

  /**
   * Messages of the rules at {@code path} of the CRD's schema that {@code value} breaks, in the
   * CRD's order. oldSelf is the value itself, as on an update that changes nothing.
   */
  static List<String> violations(String crd, String path, Object value) throws IOException, Exception {
    JSONSchemaProps node = CrdSchemaTest.schema(crd);
    for (String name : path.split("\\.")) {
      node = node.getProperties().get(name);
    }
    assertThat(node.getXKubernetesValidations()).as("rules at %s", path).isNotEmpty();
    Object self = plain(Serialization.jsonMapper().valueToTree(value));
    List<String> broken = new ArrayList<>();
    for (ValidationRule rule : node.getXKubernetesValidations()) {
      var compiled = COMPILER.compile(rule.getRule());
      assertThat(compiled.hasError()).as("%s: %s", rule.getRule(), compiled.getAllIssues()).isFalse();
      CelAbstractSyntaxTree ast = compiled.getAst();
      Object result = RUNTIME.createProgram(ast).eval(Map.of("self", self, "oldSelf", self));
      if (!Boolean.TRUE.equals(result)) {
        broken.add(rule.getMessage());
      }
    }
    return broken;
  }

  /** JSON as CEL's runtime takes it: maps, lists, strings, longs, doubles, booleans. */
  static Object plain(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(plain(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
