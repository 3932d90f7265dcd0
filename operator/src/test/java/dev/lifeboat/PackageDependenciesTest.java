package dev.lifeboat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dependencies point one way — api ← common ← each controller (and the snapshot model and the CRD build step, which import nothing of Lifeboat) — so a new feature of one
 * controller never drags the other along. Read from the main sources' import lines.
 */
class PackageDependenciesTest {
  static final Path MAIN = ProjectFiles.resolve("operator/src/main/java/dev/lifeboat");
  static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.lifeboat\\.([a-z0-9]+)[.;]", Pattern.MULTILINE);

  /** Each package and the Lifeboat packages it must never import. */
  static Stream<Map.Entry<String, List<String>>> rules() {
    return Map.of(
        "api", List.of("common", "backuppolicy", "restore", "operator", "agent", "retention", "metrics", "notify",
            "snapshot"),
        // Another project's API (the CSI snapshotter's), modelled for use: it knows nothing of Lifeboat.
        "snapshot", List.of("api", "common", "backuppolicy", "restore", "operator", "agent", "retention", "metrics",
            "notify"),
        "common", List.of("backuppolicy", "restore", "operator", "metrics", "notify"),
        "backuppolicy", List.of("restore", "operator", "metrics", "notify"),
        "restore", List.of("backuppolicy", "operator", "metrics", "notify"),
        "metrics", List.of("backuppolicy", "restore", "operator", "agent", "notify"),
        "notify", List.of("backuppolicy", "restore", "operator", "agent", "metrics"),
        "retention", List.of("common", "backuppolicy", "restore", "operator", "agent"),
        "agent", List.of("backuppolicy", "restore", "operator", "metrics"),
        // A build step over the generated CRDs: it reads the API classes it is given by name, imports none.
        "crd", List.of("api", "common", "backuppolicy", "restore", "operator", "agent", "retention", "metrics",
            "notify", "snapshot")).entrySet().stream();
  }

  @ParameterizedTest
  @MethodSource("rules")
  void noPackageImportsWhatDependsOnIt(Map.Entry<String, List<String>> rule) throws IOException {
    List<String> offending = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN.resolve(rule.getKey()))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher imports = IMPORT.matcher(Files.readString(file));
        while (imports.find()) {
          if (rule.getValue().contains(imports.group(1))) {
            offending.add(MAIN.relativize(file) + " imports dev.lifeboat." + imports.group(1));
          }
        }
      }
    }
    assertThat(offending).as("imports against the one-way package rule").isEmpty();
  }
}
