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
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What {@code kubectl apply -f} does with YAML: each object created, or updated if it exists.
 * Objects of a CRD the API server holds are sent as written, not through their Java classes, so a
 * value of the wrong type reaches the API server and is refused there, in its words, rather than
 * failing to parse here.
 */
final class YamlApply {
  private static final YAMLMapper YAML = new YAMLMapper();

  private final KubernetesClient client;
  private final KubernetesSerialization serialization;

  YamlApply(KubernetesClient client) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
  }

  /**
   * Every object of a YAML file, or of every .yaml/.yml file in a directory (sorted), as stored;
   * {@code applied} hears of each as soon as it is stored.
   */
  List<HasMetadata> apply(Path fileOrDir, Consumer<HasMetadata> applied) throws IOException {
    List<Path> files;
    if (Files.isDirectory(fileOrDir)) {
      try (var list = Files.list(fileOrDir)) {
        files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
      }
    } else {
      files = List.of(fileOrDir);
    }
    List<HasMetadata> stored = new ArrayList<>();
    for (Path file : files) {
      for (GenericKubernetesResource object : objects(file)) {
        HasMetadata one;
        try {
          one = apply(object);
        } catch (KubernetesClientException e) {
          String refusal = Invalid.kubectlMessage(e.getStatus());
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

  /** The object as stored, in its Java class where the client has one. */
  private HasMetadata apply(GenericKubernetesResource object) {
    Optional<CustomResourceDefinition> crd = crdOf(object);
    if (crd.isEmpty()) {
      HasMetadata typed = serialization.unmarshal(serialization.asJson(object));
      return client.resource(typed).createOr(existing -> existing.update());
    }
    var resources = client.genericKubernetesResources(CustomResourceDefinitionContext.fromCrd(crd.get()));
    String namespace = object.getMetadata().getNamespace();
    GenericKubernetesResource stored = (namespace == null ? resources.resource(object)
        : resources.inNamespace(namespace).resource(object)).createOr(existing -> existing.update());
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
