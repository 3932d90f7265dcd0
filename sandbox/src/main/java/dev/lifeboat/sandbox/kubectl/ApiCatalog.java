package dev.lifeboat.sandbox.kubectl;

import static dev.lifeboat.sandbox.kubectl.PrinterColumn.age;
import static dev.lifeboat.sandbox.kubectl.PrinterColumn.computed;
import static dev.lifeboat.sandbox.kubectl.PrinterColumn.of;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every kind the sandbox's API server serves: the built-in kinds the operator, the sandbox's
 * controllers and the examples use (with their real short names, categories and subresources), and
 * every CRD the API server holds, read at each call so that a CRD installed later appears.
 */
final class ApiCatalog {
  private static final List<String> NONE = List.of();
  private static final List<String> ALL = List.of("all");

  /** Built-in kinds, with the columns kubectl shows for them (Name first, Age before the wide ones). */
  static final List<ApiResource> BUILT_IN = List.of(
      core("pods", "pod", "Pod", true, List.of("po"), ALL, List.of("log", "exec", "status"),
          computed("Ready", BuiltInPrinters::podReady), computed("Status", BuiltInPrinters::podStatus),
          computed("Restarts", BuiltInPrinters::podRestarts), of("IP", "string", ".status.podIP").withPriority(1),
          of("Node", "string", ".spec.nodeName").withPriority(1)),
      core("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, List.of("pvc"), NONE,
          List.of("status"), of("Status", "string", ".status.phase"), of("Volume", "string", ".spec.volumeName"),
          of("Capacity", "string", ".status.capacity.storage"), computed("Access Modes", BuiltInPrinters::accessModes),
          of("StorageClass", "string", ".spec.storageClassName"),
          of("VolumeMode", "string", ".spec.volumeMode").withPriority(1)),
      core("persistentvolumes", "persistentvolume", "PersistentVolume", false, List.of("pv"), NONE, List.of("status"),
          of("Capacity", "string", ".spec.capacity.storage"), of("Status", "string", ".status.phase")),
      core("secrets", "secret", "Secret", true, NONE, NONE, NONE, of("Type", "string", ".type"),
          computed("Data", BuiltInPrinters::dataCount)),
      core("configmaps", "configmap", "ConfigMap", true, List.of("cm"), NONE, NONE,
          computed("Data", BuiltInPrinters::dataCount)),
      core("events", "event", "Event", true, List.of("ev"), NONE, NONE,
          computed("Last Seen", BuiltInPrinters::eventLastSeen), of("Type", "string", ".type"),
          of("Reason", "string", ".reason"), computed("Object", BuiltInPrinters::eventObject),
          of("Message", "string", ".message"), of("Name", "string", ".metadata.name").withPriority(1)),
      core("namespaces", "namespace", "Namespace", false, List.of("ns"), NONE, List.of("status"),
          of("Status", "string", ".status.phase")),
      core("serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa"), NONE, NONE),
      core("services", "service", "Service", true, List.of("svc"), ALL, List.of("status"),
          of("Type", "string", ".spec.type"), of("Cluster-IP", "string", ".spec.clusterIP")),
      kind("apps", "v1", "deployments", "deployment", "Deployment", List.of("deploy"), ALL, List.of("status", "scale"),
          computed("Ready", BuiltInPrinters::replicasReady), computed("Up-to-date", BuiltInPrinters::updated),
          computed("Available", BuiltInPrinters::available), containers(), images()),
      kind("apps", "v1", "statefulsets", "statefulset", "StatefulSet", List.of("sts"), ALL, List.of("status", "scale"),
          computed("Ready", BuiltInPrinters::replicasReady), containers(), images()),
      kind("batch", "v1", "jobs", "job", "Job", NONE, ALL, List.of("status"),
          computed("Status", BuiltInPrinters::jobStatus), computed("Completions", BuiltInPrinters::jobCompletions),
          computed("Duration", BuiltInPrinters::jobDuration), containers(), images()),
      kind("batch", "v1", "cronjobs", "cronjob", "CronJob", List.of("cj"), ALL, List.of("status"),
          of("Schedule", "string", ".spec.schedule")),
      kind("events.k8s.io", "v1", "events", "event", "Event", NONE, NONE, NONE,
          of("Type", "string", ".type"), of("Reason", "string", ".reason"), of("Object", "string", ".regarding.name"),
          of("Note", "string", ".note")),
      kind("coordination.k8s.io", "v1", "leases", "lease", "Lease", NONE, NONE, NONE,
          of("Holder", "string", ".spec.holderIdentity")),
      kind("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", NONE, NONE, NONE),
      kind("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", NONE, NONE, NONE),
      clusterKind("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
          "CustomResourceDefinition", List.of("crd", "crds"), NONE, List.of("status")));

  private final KubernetesClient client;
  private final ObjectMapper json = new ObjectMapper();

  ApiCatalog(KubernetesClient client) {
    this.client = client;
  }

  /** The built-in kinds, then one per served version of every CRD the API server holds now. */
  List<ApiResource> all() {
    List<ApiResource> all = new ArrayList<>(BUILT_IN);
    for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      all.addAll(fromCrd(json.valueToTree(crd)));
    }
    return all;
  }

  Optional<ApiResource> find(String group, String version, String plural) {
    return all().stream().filter(r -> r.group().equals(group) && r.version().equals(version)
        && r.plural().equals(plural)).findFirst();
  }

  private static List<ApiResource> fromCrd(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    List<ApiResource> resources = new ArrayList<>();
    for (JsonNode version : spec.path("versions")) {
      if (!version.path("served").asBoolean(true)) {
        continue;
      }
      List<PrinterColumn> columns = new ArrayList<>();
      version.path("additionalPrinterColumns").forEach(c -> columns.add(PrinterColumn.fromCrd(c)));
      if (!version.has("additionalPrinterColumns")) {
        columns.add(age()); // what the API server shows for a CRD without columns
      }
      List<String> subresources = new ArrayList<>();
      version.path("subresources").fieldNames().forEachRemaining(subresources::add);
      resources.add(new ApiResource(spec.path("group").asText(), version.path("name").asText(),
          names.path("plural").asText(), names.path("singular").asText(), names.path("kind").asText(),
          "Namespaced".equals(spec.path("scope").asText()), texts(names.path("shortNames")),
          texts(names.path("categories")), subresources, columns, version.path("schema").path("openAPIV3Schema")));
    }
    return resources;
  }

  /** A workload's or Job's containers' names ({@code -o wide}). */
  private static PrinterColumn containers() {
    return computed("Containers", object -> BuiltInPrinters.containers(object, "name")).withPriority(1);
  }

  /** A workload's or Job's containers' images ({@code -o wide}). */
  private static PrinterColumn images() {
    return computed("Images", object -> BuiltInPrinters.containers(object, "image")).withPriority(1);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return texts;
  }

  private static ApiResource core(String plural, String singular, String kind, boolean namespaced,
      List<String> shortNames, List<String> categories, List<String> subresources, PrinterColumn... columns) {
    return resource("", "v1", plural, singular, kind, namespaced, shortNames, categories, subresources, columns);
  }

  private static ApiResource kind(String group, String version, String plural, String singular, String kind,
      List<String> shortNames, List<String> categories, List<String> subresources, PrinterColumn... columns) {
    return resource(group, version, plural, singular, kind, true, shortNames, categories, subresources, columns);
  }

  private static ApiResource clusterKind(String group, String version, String plural, String singular, String kind,
      List<String> shortNames, List<String> categories, List<String> subresources, PrinterColumn... columns) {
    return resource(group, version, plural, singular, kind, false, shortNames, categories, subresources, columns);
  }

  private static ApiResource resource(String group, String version, String plural, String singular, String kind,
      boolean namespaced, List<String> shortNames, List<String> categories, List<String> subresources,
      PrinterColumn... columns) {
    List<PrinterColumn> all = new ArrayList<>(List.of(columns));
    if (all.stream().noneMatch(c -> c.name().equals("Last Seen"))) { // an Event's age is its Last Seen
      int wide = 0;
      while (wide < all.size() && all.get(wide).priority() == 0) {
        wide++;
      }
      all.add(wide, age()); // kubectl's printers put Age after the default columns, before the -o wide ones
    }
    return new ApiResource(group, version, plural, singular, kind, namespaced, shortNames, categories, subresources,
        all, null);
  }
}
