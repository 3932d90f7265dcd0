package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lifeboat.sandbox.validation.Invalid;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What {@code kubectl apply -f} does with YAML: each object created, or updated if it exists.
 * Objects of a CRD the API server holds are sent as written, not through their Java classes, so a
 * value of the wrong type reaches the API server and is refused there, in its words, rather than
 * failing to parse here. Every object passes the cluster's admission step first (as a mutating
 * admission webhook would see it), which may change it.
 */
final class YamlApply {
  private static final YAMLMapper YAML = new YAMLMapper();

  private final KubernetesClient client;
  private final KubernetesSerialization serialization;
  private final UnaryOperator<HasMetadata> admission;

  YamlApply(KubernetesClient client, UnaryOperator<HasMetadata> admission) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
    this.admission = admission;
  }

  /**
   * Every object of a YAML file, or of every .yaml/.yml file in a directory (sorted), as stored;
   * {@code applied} hears of each as soon as it is stored.
   */
  List<HasMetadata> apply(Path fileOrDir, Consumer<HasMetadata> applied) throws IOException {
    List<HasMetadata> stored = new ArrayList<>();
    for (Path file : files(fileOrDir)) {
      for (GenericKubernetesResource object : objects(file)) {
        HasMetadata one;
        try {
          one = store(admission.apply(asSent(object)));
        } catch (KubernetesClientException e) {
          String refusal = Invalid.kubectlMessage(e.getStatus());
          if (refusal == null && e.getCode() == 400 && e.getStatus() != null && e.getStatus().getMessage() != null) {
            refusal = e.getStatus().getMessage(); // e.g. a misspelt field, in strict decoding's words
          }
          if (refusal == null) {
            throw e;
          }
          throw new ObjectRefusedException(file + ": " + refusal);
        }
        stored.add(one);
        applied.accept(one);
      }
    }
    return stored;
  }

  /** The objects {@link #apply} would send, before admission: of a CRD as written, others in their Java class. */
  List<HasMetadata> load(Path fileOrDir) throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    for (Path file : files(fileOrDir)) {
      for (GenericKubernetesResource object : objects(file)) {
        objects.add(asSent(object));
      }
    }
    return objects;
  }

  private static List<Path> files(Path fileOrDir) throws IOException {
    if (!Files.isDirectory(fileOrDir)) {
      return List.of(fileOrDir);
    }
    try (var list = Files.list(fileOrDir)) {
      return list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  private List<GenericKubernetesResource> objects(Path file) throws IOException {
    List<GenericKubernetesResource> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && document.isObject() && !document.isEmpty()) {
          objects.add(serialization.convertValue(document, GenericKubernetesResource.class));
        }
      }
    }
    return objects;
  }

  /** An object of a CRD the API server holds as written; any other in its Java class. */
  private HasMetadata asSent(GenericKubernetesResource object) {
    return crdOf(object).isPresent() ? object : serialization.unmarshal(serialization.asJson(object));
  }

  /** The object as stored, in its Java class where the client has one. */
  private HasMetadata store(HasMetadata object) {
    Optional<CustomResourceDefinition> crd = object instanceof GenericKubernetesResource ? crdOf(object) : Optional.empty();
    if (crd.isEmpty() || !(object instanceof GenericKubernetesResource generic)) {
      return client.resource(object).createOr(existing -> existing.update());
    }
    var resources = client.genericKubernetesResources(CustomResourceDefinitionContext.fromCrd(crd.get()));
    String namespace = generic.getMetadata().getNamespace();
    // kubectl asks for strict field validation: a misspelt field is refused, not dropped
    GenericKubernetesResource stored = (namespace == null ? resources.resource(generic)
        : resources.inNamespace(namespace).resource(generic)).fieldValidation(Validation.STRICT)
        .createOr(existing -> existing.update());
    return serialization.unmarshal(serialization.asJson(stored));
  }

  private Optional<CustomResourceDefinition> crdOf(HasMetadata object) {
    String apiVersion = object.getApiVersion() == null ? "" : object.getApiVersion();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
        .filter(crd -> crd.getSpec().getGroup().equals(group) && crd.getSpec().getNames().getKind().equals(object.getKind()))
        .findFirst();
  }
}
