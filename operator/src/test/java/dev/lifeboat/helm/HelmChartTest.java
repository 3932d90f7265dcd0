package dev.lifeboat.helm;

import dev.lifeboat.common.CrossNamespaceRestore;
import static dev.lifeboat.helm.Charts.CHART;
import static dev.lifeboat.helm.Charts.NAMESPACE;
import static dev.lifeboat.helm.Charts.env;
import static dev.lifeboat.helm.Charts.named;
import static dev.lifeboat.helm.Charts.operatorRole;
import static dev.lifeboat.helm.Charts.operatorContainer;
import static dev.lifeboat.helm.Charts.parse;
import static dev.lifeboat.helm.Charts.podSpec;
import static dev.lifeboat.helm.Charts.render;
import static dev.lifeboat.helm.Charts.rule;
import static dev.lifeboat.helm.Charts.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Lints and renders helm/lifeboat with the real Helm library, and checks what reaches the cluster. */
class HelmChartTest {

  private static final Path ALERTS_DOC =
      Path.of(System.getProperty("lifeboat.projectRoot", ".."), "docs", "alerts.md");
  private static final String DEFAULT_RUNBOOK_BASE_URL =
      "https://github.com/lifeboat-dev/lifeboat/blob/main/docs/alerts.md";
  private static final List<String> ALERTS = List.of(
      "LifeboatBackupOverdue",
      "LifeboatBackupSuspicious",
      "LifeboatBackupSuccessRateLow",
      "LifeboatBackupFailed",
      "LifeboatBackupDamaged",
      "LifeboatVerificationOverdue",
      "LifeboatOperatorDown");
  /** Values that turn on every monitoring object. */
  private static final UnaryOperator<TemplateCommand> ALL_MONITORING = t -> t
      .set("metrics.service.enabled", true)
      .set("metrics.serviceMonitor.enabled", true)
      .set("metrics.prometheusRule.enabled", true);

  /** The operator's ClusterRole, rule for rule, exactly as docs/rbac.md justifies it. */
  private static final List<PolicyRule> DOCUMENTED_RULES = List.of(
      rule("lifeboat.dev", List.of("backuppolicies", "restorerequests"), "get", "list", "watch"),
      rule("lifeboat.dev", List.of("backuppolicies", "restorerequests"), "patch"),
      rule("lifeboat.dev", List.of("backuppolicies/status", "restorerequests/status"), "update"),
      rule("batch", List.of("jobs"), "get", "list", "watch", "create", "delete"),
      rule("", List.of("pods"), "list"),
      rule("", List.of("pods/log"), "get"),
      rule("", List.of("persistentvolumeclaims"), "get", "list", "create", "delete"),
      rule("snapshot.storage.k8s.io", List.of("volumesnapshots"), "get", "list", "create", "delete"),
      rule("apps", List.of("deployments", "statefulsets"), "get", "list"),
      rule("apps", List.of("deployments/scale", "statefulsets/scale"), "update"),
      rule("", List.of("events"), "create", "patch"));

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
    ClusterRole role = operatorRole(parse(rendered));

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
        .isEqualTo(operatorRole(objects).getMetadata().getName());
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
        .containsEntry("LIFEBOAT_PRIVILEGED_JOB_NAMESPACES", "")
        .containsEntry("LIFEBOAT_HOOKS_ENABLED", "false");
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
  void hooksEnabledGrantsExecIntoPodsAndTellsTheOperator() {
    List<HasMetadata> on = parse(render(t -> t.set("hooks.enabled", true)));
    ClusterRole role = operatorRole(on);

    assertThat(role.getRules()).filteredOn(r -> r.getResources().contains("pods/exec")).singleElement()
        .satisfies(r -> {
          assertThat(r.getApiGroups()).containsExactly("");
          assertThat(r.getResources()).containsExactly("pods/exec");
          assertThat(r.getVerbs()).containsExactly("get", "create");
        });
    assertThat(role.getRules()).hasSize(DOCUMENTED_RULES.size() + 1);
    assertThat(env(operatorContainer(single(on, Deployment.class)))).containsEntry("LIFEBOAT_HOOKS_ENABLED", "true");
  }

  @Test
  void withoutHooksTheOperatorMayNotExecIntoPods() {
    ClusterRole role = operatorRole(parse(render(t -> t)));

    assertThat(role.getRules()).flatExtracting(PolicyRule::getResources).doesNotContain("pods/exec");
  }

  @Test
  void aWebhookSecretGrantsGetOnThatOneSecretInTheReleaseNamespaceOnly() {
    List<HasMetadata> off = parse(render(t -> t));
    assertThat(off).extracting(o -> o.getMetadata().getName()).doesNotContain("lifeboat-webhook");
    assertThat(env(operatorContainer(single(off, Deployment.class)))).doesNotContainKey("LIFEBOAT_WEBHOOK_SECRET");

    List<HasMetadata> on = parse(render(t -> t.set("notifications.webhook.secretName", "lifeboat-webhook")));
    Role role = named(on, Role.class, "lifeboat-webhook");
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getResources()).containsExactly("secrets");
      assertThat(rule.getResourceNames()).containsExactly("lifeboat-webhook");
      assertThat(rule.getVerbs()).containsExactly("get");
    });
    assertThat(named(on, RoleBinding.class, "lifeboat-webhook").getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    var container = operatorContainer(single(on, Deployment.class));
    assertThat(env(container)).containsEntry("LIFEBOAT_WEBHOOK_SECRET", "lifeboat-webhook")
        .containsEntry("LIFEBOAT_WEBHOOK_SECRET_KEY", "url");
    assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("LIFEBOAT_NAMESPACE")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
    assertThat(operatorRole(on).getRules())
        .as("no Secret in the ClusterRole").noneSatisfy(rule -> assertThat(rule.getResources()).contains("secrets"));
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

  @Test
  void monitoringIsOffByDefault() {
    List<HasMetadata> objects = parse(render(t -> t));

    assertThat(objects).extracting(HasMetadata::getKind)
        .doesNotContain("Service", "ServiceMonitor", "PrometheusRule");
    assertThat(objects).extracting(HasMetadata::getApiVersion)
        .noneMatch(v -> v.startsWith("monitoring.coreos.com/"));
  }

  @Test
  void metricsServiceSelectsTheOperatorPodOnItsHealthPort() {
    List<HasMetadata> objects = parse(render(t -> t.set("metrics.service.enabled", true)));
    Service service = single(objects, Service.class);
    Deployment deployment = single(objects, Deployment.class);
    ContainerPort http = operatorContainer(deployment).getPorts().get(0);

    assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("ServiceMonitor", "PrometheusRule");
    assertThat(service.getMetadata().getName()).isEqualTo("lifeboat-metrics");
    assertThat(service.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("metrics");
      assertThat(p.getPort()).isEqualTo(http.getContainerPort());
      assertThat(p.getTargetPort().getStrVal()).isEqualTo(http.getName());
    });
    assertThat(env(operatorContainer(deployment)))
        .containsEntry("LIFEBOAT_HEALTH_PORT", String.valueOf(http.getContainerPort()));
  }

  @Test
  void serviceMonitorScrapesTheMetricsPort() {
    List<HasMetadata> objects = parse(render(t -> t
        .set("metrics.serviceMonitor.enabled", true)
        .set("metrics.serviceMonitor.labels.release", "kube-prometheus-stack")));
    Service service = single(objects, Service.class);
    GenericKubernetesResource monitor = ofKind(objects, "ServiceMonitor");
    ServicePort port = service.getSpec().getPorts().get(0);

    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(monitor.getMetadata().getLabels())
        .containsEntry("release", "kube-prometheus-stack")
        .containsEntry("app.kubernetes.io/name", "lifeboat");
    Map<String, String> matchLabels = monitor.get("spec", "selector", "matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
    assertThat(matchLabels).isNotEmpty();
    List<String> namespaces = monitor.get("spec", "namespaceSelector", "matchNames");
    assertThat(namespaces).containsExactly(NAMESPACE);
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints).singleElement().satisfies(e -> assertThat(e)
        .containsEntry("port", port.getName())
        .containsEntry("path", "/metrics")
        .containsEntry("interval", "30s")
        .containsEntry("scrapeTimeout", "10s"));
  }

  @Test
  void serviceMonitorIntervalsCanBeLeftToPrometheus() {
    GenericKubernetesResource monitor = ofKind(parse(render(t -> t
        .set("metrics.serviceMonitor.enabled", true)
        .set("metrics.serviceMonitor.interval", "")
        .set("metrics.serviceMonitor.scrapeTimeout", ""))), "ServiceMonitor");

    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints.get(0)).doesNotContainKeys("interval", "scrapeTimeout");
  }

  @Test
  void prometheusRuleHasEveryAlertWithSeverityAndAPolicyNamingDescription() {
    List<HasMetadata> objects = parse(render(ALL_MONITORING.andThen(t -> t
        .set("metrics.prometheusRule.labels.release", "kube-prometheus-stack"))::apply));
    GenericKubernetesResource rule = ofKind(objects, "PrometheusRule");
    List<Map<String, Object>> alerts = alertRules(rule);

    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat(alerts).extracting(a -> a.get("alert")).containsExactlyElementsOf(ALERTS);
    for (Map<String, Object> alert : alerts) {
      String name = (String) alert.get("alert");
      Map<String, String> labels = stringMap(alert.get("labels"));
      Map<String, String> annotations = stringMap(alert.get("annotations"));
      assertThat(labels.get("severity")).as("%s severity", name).isIn("critical", "warning");
      assertThat((String) alert.get("for")).as("%s for", name).matches("[0-9]+[mh]");
      assertThat(annotations.get("summary")).as("%s summary", name).isNotBlank();
      assertThat(annotations.get("description")).as("%s description", name).isNotBlank()
          .doesNotContain("{{ {{").doesNotContain("}} }}");
      if (!name.equals("LifeboatOperatorDown")) {
        // Helm must pass Prometheus's own template through untouched.
        assertThat(annotations.get("description")).as("%s description", name)
            .contains("{{ $labels.namespace }}/{{ $labels.policy }}");
        assertThat((String) alert.get("expr")).as("%s expr", name)
            .startsWith("max by (namespace, policy) (");
      }
    }
  }

  @Test
  void everyAlertExpressionUsesOnlyExportedMetrics() {
    List<Map<String, Object>> alerts = alertRules(ofKind(parse(render(ALL_MONITORING)), "PrometheusRule"));

    for (Map<String, Object> alert : alerts) {
      String expr = (String) alert.get("expr");
      Set<String> names = metricNamesIn(expr);
      assertThat(names).as("metrics in %s: %s", alert.get("alert"), expr).isNotEmpty()
          .allSatisfy(n -> assertThat(n).as("metric %s of %s", n, alert.get("alert"))
              .isIn(union(ExportedMetrics.EXPORTED_METRICS, ExportedMetrics.PROMETHEUS_SERIES)));
    }
    assertThat(metricNamesIn(expr(alerts, "LifeboatBackupOverdue"))).containsExactlyInAnyOrder(
        "lifeboat_backup_last_success_timestamp_seconds", "lifeboat_backup_max_age_seconds",
        "lifeboat_backup_overdue");
  }

  @Test
  void everyLifeboatMetricTheDocsListIsServedAndEveryServedOneIsDocumented() throws IOException {
    String doc = Files.readString(ALERTS_DOC.resolveSibling("metrics.md"));
    Set<String> documented = new java.util.TreeSet<>();
    java.util.regex.Matcher names = java.util.regex.Pattern.compile("`(lifeboat_[a-z0-9_]+)`").matcher(doc);
    while (names.find()) {
      documented.add(names.group(1));
    }
    Set<String> served = ExportedMetrics.EXPORTED_METRICS.stream().filter(n -> n.startsWith("lifeboat_"))
        .map(n -> n.replaceAll("_(count|sum|max)$", "")).collect(java.util.stream.Collectors.toSet());
    assertThat(served).as("served by the operator").containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void metricNamesAreFoundInPromQlWithoutLabelsFunctionsOrKeywords() {
    assertThat(metricNamesIn("max by (namespace, policy) ((time() - a_b{x=\"y\"} > on(policy) c:d) or e == 1)"
        + " and absent(up{job=\"j\"} == 1) unless rate(f_total[5m] offset 1h) > 1e3 * 0.95"))
        .containsExactlyInAnyOrder("a_b", "c:d", "e", "up", "f_total");
  }

  @Test
  void everyAlertHasARunbookAnchorThatExistsInAlertsDoc() throws IOException {
    List<Map<String, Object>> alerts = alertRules(ofKind(parse(render(ALL_MONITORING)), "PrometheusRule"));
    Set<String> anchors = headingAnchors(Files.readString(ALERTS_DOC));

    for (Map<String, Object> alert : alerts) {
      String runbook = stringMap(alert.get("annotations")).get("runbook_url");
      assertThat(runbook).as("%s runbook_url", alert.get("alert"))
          .startsWith(DEFAULT_RUNBOOK_BASE_URL + "#");
      String anchor = runbook.substring(runbook.indexOf('#') + 1);
      assertThat(anchor).isEqualTo(((String) alert.get("alert")).toLowerCase(Locale.ROOT));
      assertThat(anchors).as("headings of docs/alerts.md").contains(anchor);
    }
  }

  @Test
  void runbookBaseUrlCanPointElsewhere() {
    List<Map<String, Object>> alerts = alertRules(ofKind(parse(render(ALL_MONITORING.andThen(t -> t
        .set("metrics.prometheusRule.runbookBaseUrl", "https://wiki.example/lifeboat"))::apply)),
        "PrometheusRule"));

    assertThat(alerts).extracting(a -> stringMap(a.get("annotations")).get("runbook_url"))
        .allMatch(u -> u.startsWith("https://wiki.example/lifeboat#lifeboat"));
  }

  @Test
  void operatorDownWatchesTheJobOfTheRenderedMetricsService() {
    for (String release : List.of("lifeboat", "backups")) {
      List<HasMetadata> objects = parse(render(release, ALL_MONITORING));
      String service = single(objects, Service.class).getMetadata().getName();

      assertThat(expr(alertRules(ofKind(objects, "PrometheusRule")), "LifeboatOperatorDown"))
          .as("release %s", release)
          .isEqualTo("absent(up{job=\"" + service + "\", namespace=\"" + NAMESPACE + "\"} == 1)");
    }
    assertThat(single(parse(render("backups", ALL_MONITORING)), Service.class).getMetadata().getName())
        .isEqualTo("backups-lifeboat-metrics");
  }

  @Test
  void prometheusRuleAloneRendersNoServiceOrServiceMonitor() {
    List<HasMetadata> objects = parse(render(t -> t.set("metrics.prometheusRule.enabled", true)));

    assertThat(objects).extracting(HasMetadata::getKind)
        .contains("PrometheusRule").doesNotContain("Service", "ServiceMonitor");
  }

  @Test
  void valuesSchemaRejectsAMalformedScrapeInterval() {
    assertThatThrownBy(() -> render(t -> t.set("metrics.serviceMonitor.interval", "30 seconds")))
        .hasMessageContaining("interval");
  }

  @Test
  void valuesSchemaRejectsAnUnknownMetricsKey() {
    assertThatThrownBy(() -> render(t -> t.set("metrics.serviceMonitor.enable", true)))
        .hasMessageContaining("enable");
  }

  /** The one rendered object of a kind fabric8 has no class for (ServiceMonitor, PrometheusRule). */
  private static GenericKubernetesResource ofKind(List<HasMetadata> objects, String kind) {
    List<HasMetadata> matching = objects.stream().filter(o -> kind.equals(o.getKind())).collect(Collectors.toList());
    assertThat(matching).as("rendered %s objects", kind).hasSize(1);
    assertThat(matching.get(0)).isInstanceOf(GenericKubernetesResource.class);
    return (GenericKubernetesResource) matching.get(0);
  }

  private static List<Map<String, Object>> alertRules(GenericKubernetesResource prometheusRule) {
    List<Map<String, Object>> groups = prometheusRule.get("spec", "groups");
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Map<String, Object> group : groups) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> groupRules = (List<Map<String, Object>>) group.get("rules");
      rules.addAll(groupRules);
    }
    return rules;
  }

  private static String expr(List<Map<String, Object>> alerts, String name) {
    return alerts.stream().filter(a -> name.equals(a.get("alert")))
        .map(a -> (String) a.get("expr")).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> stringMap(Object map) {
    assertThat(map).isInstanceOf(Map.class);
    return (Map<String, String>) map;
  }

  private static final Set<String> PROMQL_KEYWORDS = Set.of(
      "and", "or", "unless", "bool", "offset", "atan2", "group_left", "group_right", "inf", "nan",
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
      "bottomk", "topk", "quantile", "limitk", "limit_ratio");
  private static final Pattern PROMQL_IDENTIFIER =
      Pattern.compile("(?<![\\w.:])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()");

  /**
   * The metric names a PromQL expression selects: identifiers that are not inside a string, a label
   * matcher, a range or a grouping clause, not called like a function, and not a keyword.
   */
  static Set<String> metricNamesIn(String expr) {
    String bare = expr
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'", " ")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^\\]]*\\]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = PROMQL_IDENTIFIER.matcher(bare);
    while (m.find()) {
      if (!PROMQL_KEYWORDS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** GitHub's anchors for a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
  private static Set<String> headingAnchors(String markdown) {
    return markdown.lines()
        .filter(l -> l.matches("#{1,6} .*"))
        .map(l -> l.replaceFirst("^#+ ", "").trim().toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
        .collect(Collectors.toSet());
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return all;
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
