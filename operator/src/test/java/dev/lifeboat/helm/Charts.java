package dev.lifeboat.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Renders helm/lifeboat with the real Helm library and reads what it renders, for the chart's tests. */
final class Charts {
  static final Path CHART = Path.of(System.getProperty("lifeboat.projectRoot", ".."), "helm", "lifeboat");
  static final String NAMESPACE = "lifeboat-system";
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private Charts() {}

  /** The chart rendered as release "lifeboat" in {@link #NAMESPACE} with these values. */
  static String render(UnaryOperator<TemplateCommand> values) {
    return render("lifeboat", values);
  }

  static String render(String release, UnaryOperator<TemplateCommand> values) {
    assertThat(Files.isDirectory(CHART)).as("chart directory %s", CHART).isTrue();
    return values.apply(new Helm(CHART).template().withName(release).withNamespace(NAMESPACE)).call();
  }

  /** The objects of a rendering, typed where fabric8 has a class for the kind. */
  static List<HasMetadata> parse(String rendered) {
    return Arrays.stream(rendered.split("(?m)^---\\s*$"))
        .filter(doc -> doc.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
        .map(doc -> YAML.<HasMetadata>unmarshal(doc))
        .collect(Collectors.toList());
  }

  /** The one rendered object of this type. */
  static <T extends HasMetadata> T single(List<HasMetadata> objects, Class<T> type) {
    List<HasMetadata> matching = objects.stream().filter(type::isInstance).collect(Collectors.toList());
    assertThat(matching).as("rendered %s objects", type.getSimpleName()).hasSize(1);
    return type.cast(matching.get(0));
  }

  /** The one rendered object of this type and name. */
  static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
    List<HasMetadata> matching = objects.stream().filter(type::isInstance)
        .filter(o -> name.equals(o.getMetadata().getName())).collect(Collectors.toList());
    assertThat(matching).as("rendered %s %s", type.getSimpleName(), name).hasSize(1);
    return type.cast(matching.get(0));
  }

  /** The operator's own ClusterRole (release "lifeboat"), not the tenants' aggregated ones. */
  static ClusterRole operatorRole(List<HasMetadata> objects) {
    return named(objects, ClusterRole.class, "lifeboat");
  }

  static PodSpec podSpec(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec();
  }

  static Container operatorContainer(Deployment deployment) {
    List<Container> containers = podSpec(deployment).getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  static PolicyRule rule(String apiGroup, List<String> resources, String... verbs) {
    PolicyRule rule = new PolicyRule();
    rule.setApiGroups(List.of(apiGroup));
    rule.setResources(resources);
    rule.setVerbs(List.of(verbs));
    return rule;
  }
}
