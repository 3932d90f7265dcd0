package dev.lifeboat.helm;

import dev.lifeboat.common.CrossNamespaceRestore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Lints and renders helm/lifeboat with the real Helm library, and checks what reaches the cluster. */
class HelmChartTest {

  private static final Path CHART =
      Path.of(System.getProperty("lifeboat.projectRoot", ".."), "helm", "lifeboat");
  private static final String NAMESPACE = "lifeboat-system";
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  /** The ClusterRole, rule for rule, exactly as docs/rbac.md justifies it. */
  private static final List<PolicyRule> DOCUMENTED_RULES = List.of(
      rule("lifeboat.dev", List.of("backuppolicies", "restorerequests"), "get", "list", "watch"),
      rule("lifeboat.dev", List.of("backuppolicies/status", "restorerequests/status"),
          "get", "patch", "update"),
      rule("batch", List.of("jobs"), "get", "list", "watch", "create", "delete"),
      rule("", List.of("pods"), "get", "list"),
      rule("", List.of("pods/log"), "get"),
      rule("", List.of("persistentvolumeclaims"), "get", "list", "create"),
      rule("apps", List.of("deployments", "statefulsets"), "get", "list", "patch"),
      rule("", List.of("events"), "create", "patch"),
      rule("coordination.k8s.io", List.of("leases"), "get", "create", "update"));

  @Test
  void chartLintsStrict() {
    LintResult result = new Helm(CHART).lint().strict().call();

    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
  }

  @Test
  void renderedClusterRoleGrantsOnlyTheDocumentedVerbs() {
    String rendered = render(t -> t);
    ClusterRole role = single(parse(rendered), ClusterRole.class);

    assertThat(role.getRules()).hasSameSizeAs(DOCUMENTED_RULES);
    for (int i = 0; i < DOCUMENTED_RULES.size(); i++) {
      PolicyRule actual = role.getRules().get(i);
      PolicyRule expected = DOCUMENTED_RULES.get(i);
      assertThat(actual.getApiGroups()).as("rule %d apiGroups", i).isEqualTo(expected.getApiGroups());
      assertThat(actual.getResources()).as("rule %d resources", i).isEqualTo(expected.getResources());
      assertThat(actual.getVerbs()).as("rule %d verbs", i).isEqualTo(expected.getVerbs());
      assertThat(actual.getResourceNames()).as("rule %d resourceNames", i).isNullOrEmpty();
      assertThat(actual.getNonResourceURLs()).as("rule %d nonResourceURLs", i).isNullOrEmpty();
    }
    assertThat(role.getAggregationRule()).isNull();
    assertThat(role.getRules())
        .flatExtracting(r -> concat(r.getApiGroups(), r.getResources(), r.getVerbs()))
        .noneMatch(s -> s.contains("*"))
        .noneMatch(s -> s.startsWith("secrets"));
  }

  @Test
  void clusterRoleIsBoundToTheOperatorsServiceAccount() {
    List<HasMetadata> objects = parse(render(t -> t));
    ClusterRoleBinding binding = single(objects, ClusterRoleBinding.class);
    Deployment deployment = single(objects, Deployment.class);

    assertThat(binding.getRoleRef().getName())
        .isEqualTo(single(objects, ClusterRole.class).getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
      assertThat(s.getName()).isEqualTo(deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
    });
  }

  @Test
  void rbacAndServiceAccountCanBeLeftToTheCluster() {
    List<HasMetadata> objects = parse(render(t -> t
        .set("rbac.create", false)
        .set("serviceAccount.create", false)
        .set("serviceAccount.name", "lifeboat-managed-elsewhere")));

    assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Deployment");
    assertThat(podSpec(single(objects, Deployment.class)).getServiceAccountName())
        .isEqualTo("lifeboat-managed-elsewhere");
  }

  @Test
  void deploymentRunsNonRootWithReadOnlyRootFilesystem() {
    Deployment deployment = single(parse(render(t -> t)), Deployment.class);
    PodSpec pod = podSpec(deployment);
    Container operator = operatorContainer(deployment);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(operator.getVolumeMounts())
        .anySatisfy(m -> {
          assertThat(m.getMountPath()).isEqualTo("/tmp");
          assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(m.getName());
            assertThat(v.getEmptyDir()).isNotNull();
          });
        });
  }

  @Test
  void deploymentRunsTheOperatorCommandWithProbesOnTheHttpPort() {
    Container operator = operatorContainer(single(parse(render(t -> t)), Deployment.class));

    assertThat(operator.getImage()).isEqualTo("ghcr.io/lifeboat-dev/lifeboat:0.1.0");
    assertThat(operator.getCommand()).isNullOrEmpty();
    assertThat(operator.getArgs()).containsExactly("operator");
    assertThat(operator.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("http");
      assertThat(p.getContainerPort()).isEqualTo(8080);
    });
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
  }

  @Test
  void defaultsConfigureTheOperatorForAllNamespacesWithoutLeaderElection() {
    Deployment deployment = single(parse(render(t -> t)), Deployment.class);
    Map<String, String> env = env(operatorContainer(deployment));

    assertThat(env).containsEntry("LIFEBOAT_WATCH_NAMESPACES", "")
        .containsEntry("LIFEBOAT_AGENT_IMAGE", "ghcr.io/lifeboat-dev/lifeboat:0.1.0")
        .containsEntry("LIFEBOAT_LEADER_ELECTION", "false")
        .containsEntry("LIFEBOAT_LOG_FORMAT", "text")
        .containsEntry("LIFEBOAT_ALLOW_CROSS_NAMESPACE_RESTORE", "false")
        .containsEntry("LIFEBOAT_PRIVILEGED_JOB_NAMESPACES", "");
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(operatorContainer(deployment).getEnv())
        .filteredOn(e -> e.getName().equals("LIFEBOAT_LEADER_ELECTION_NAMESPACE"))
        .singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
            .isEqualTo("metadata.namespace"));
  }

  @Test
  void watchNamespacesValueReachesTheOperator() {
    Deployment deployment = single(parse(render(t -> t
        .set("watchNamespaces[0]", "a")
        .set("watchNamespaces[1]", "b"))), Deployment.class);

    assertThat(env(operatorContainer(deployment))).containsEntry("LIFEBOAT_WATCH_NAMESPACES", "a,b");
  }

  @Test
  void valuesReachTheOperatorsEnvironment() {
    Deployment deployment = single(parse(render(t -> t
        .set("agentImage", "registry.example/lifeboat:agent")
        .set("image.tag", "0.2.0")
        .set("logFormat", "json")
        .set("allowCrossNamespaceRestore", true))), Deployment.class);

    assertThat(operatorContainer(deployment).getImage()).isEqualTo("ghcr.io/lifeboat-dev/lifeboat:0.2.0");
    assertThat(env(operatorContainer(deployment)))
        .containsEntry("LIFEBOAT_AGENT_IMAGE", "registry.example/lifeboat:agent")
        .containsEntry("LIFEBOAT_LOG_FORMAT", "json")
        .containsEntry("LIFEBOAT_ALLOW_CROSS_NAMESPACE_RESTORE", "true");
  }

  @Test
  void crossNamespaceRestoreCanNameTheSourceNamespaces() {
    Deployment deployment = single(parse(render(t -> t
        .set("allowCrossNamespaceRestore[0]", "rose")
        .set("allowCrossNamespaceRestore[1]", "lily"))), Deployment.class);

    assertThat(env(operatorContainer(deployment))).containsEntry("LIFEBOAT_ALLOW_CROSS_NAMESPACE_RESTORE", "rose,lily");
  }

  @Test
  void privilegedJobsAreAllowedOnlyInTheNamespacesListed() {
    Deployment deployment = single(parse(render(t -> t
        .set("privilegedJobNamespaces[0]", "pg")
        .set("privilegedJobNamespaces[1]", "rose"))), Deployment.class);

    assertThat(env(operatorContainer(deployment))).containsEntry("LIFEBOAT_PRIVILEGED_JOB_NAMESPACES", "pg,rose");
  }

  @Test
  void leaderElectionTurnsOnWithMoreThanOneReplica() {
    Deployment deployment = single(parse(render(t -> t.set("replicaCount", 2))), Deployment.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(env(operatorContainer(deployment))).containsEntry("LIFEBOAT_LEADER_ELECTION", "true");
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
  }

  @Test
  void leaderElectionCanBeForcedOnForASingleReplica() {
    Deployment deployment = single(parse(render(t -> t.set("leaderElection.enabled", true))), Deployment.class);

    assertThat(env(operatorContainer(deployment))).containsEntry("LIFEBOAT_LEADER_ELECTION", "true");
  }

  @Test
  void severalReplicasWithoutLeaderElectionAreRejected() {
    assertThatThrownBy(() -> render(t -> t.set("replicaCount", 3).set("leaderElection.enabled", false)))
        .hasMessageContaining("leaderElection.enabled=false");
  }

  @Test
  void valuesSchemaRejectsAnUnknownLogFormat() {
    assertThatThrownBy(() -> render(t -> t.set("logFormat", "xml")))
        .hasMessageContaining("logFormat");
  }

  @Test
  void valuesSchemaRejectsAnUnknownTopLevelKey() {
    assertThatThrownBy(() -> render(t -> t.set("watchNamespace", "a")))
        .hasMessageContaining("watchNamespace");
  }

  private static String render(UnaryOperator<TemplateCommand> values) {
    assertThat(Files.isDirectory(CHART)).as("chart directory %s", CHART).isTrue();
    return values.apply(new Helm(CHART).template().withName("lifeboat").withNamespace(NAMESPACE)).call();
  }

  private static List<HasMetadata> parse(String rendered) {
    return Arrays.stream(rendered.split("(?m)^---\\s*$"))
        .filter(doc -> doc.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
        .map(doc -> YAML.<HasMetadata>unmarshal(doc))
        .collect(Collectors.toList());
  }

  private static <T extends HasMetadata> T single(List<HasMetadata> objects, Class<T> type) {
    List<HasMetadata> matching = objects.stream().filter(type::isInstance).collect(Collectors.toList());
    assertThat(matching).as("rendered %s objects", type.getSimpleName()).hasSize(1);
    return type.cast(matching.get(0));
  }

  private static PodSpec podSpec(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec();
  }

  private static Container operatorContainer(Deployment deployment) {
    List<Container> containers = podSpec(deployment).getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static PolicyRule rule(String apiGroup, List<String> resources, String... verbs) {
    PolicyRule rule = new PolicyRule();
    rule.setApiGroups(List.of(apiGroup));
    rule.setResources(resources);
    rule.setVerbs(List.of(verbs));
    return rule;
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> all = new ArrayList<>();
    for (List<String> list : lists) {
      all.addAll(list);
    }
    return all;
  }
}
