package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.sandbox.validation.CustomResourceValidator;
import dev.lifeboat.sandbox.validation.Invalid;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's validation of custom resources, which the CRUD mock leaves out: every create,
 * update and (JSON or merge) patch of an object of a CRD the server was given is checked against
 * that CRD's schema and rules ({@link CustomResourceValidator}) and refused with the API server's
 * 422 answer. So whatever writes to the sandbox (its {@code --apply}, the demo, the operator,
 * kubectl) meets the checks a cluster makes. Fields the schema does not declare are refused, in the
 * API server's words, when the client asks for {@code fieldValidation=Strict} (kubectl does); a
 * cluster would drop them otherwise, which is not played. Writes to the status subresource are not checked:
 * only the operator makes them, and a real API server would check them against the status schema.
 */
class ValidatingDispatcher extends DryRunDispatcher {
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  /** {@code /apis/<group>/<version>[/namespaces/<ns>]/<plural>[/<name>]}, no subresource. */
  private static final Pattern RESOURCE = Pattern.compile(
      "^/apis/([^/]+)/[^/]+/(?:namespaces/[^/]+/)?([^/]+)(?:/[^/]+)?$");

  private final ObjectMapper json = new ObjectMapper();
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  /** By group and plural, e.g. {@code lifeboat.dev/backuppolicies}. */
  private final Map<String, CustomResourceValidator> validators = new ConcurrentHashMap<>();

  ValidatingDispatcher() {
    super();
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    String path = PodLogDispatcher.path(request);
    if (path.equals(CRDS)) {
      CustomResourceValidator validator;
      try {
        validator = new CustomResourceValidator(json.readTree(PodLogDispatcher.body(request)));
      } catch (IOException | IllegalArgumentException e) {
        return ApiStatus.failure(400, "BadRequest", e.getMessage());
      }
      MockResponse created = super.handleCreate(request);
      if (created.code() / 100 == 2 && !DryRunDispatcher.isDryRun(request)) { // a dry run defines nothing
        validators.put(validator.group() + "/" + validator.plural(), validator);
      }
      return created;
    }
    return validated(request, path, (body, old) -> body, false).orElseGet(() -> super.handleCreate(request));
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    return validated(request, PodLogDispatcher.path(request), (body, old) -> body, true)
        .orElseGet(() -> super.handleUpdate(request));
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    return PatchTypes.of(String.valueOf(request.getHeader("Content-Type")))
        .flatMap(patch -> validated(request, PodLogDispatcher.path(request), patch::apply, true))
        .orElseGet(() -> super.handlePatch(request));
  }

  /** Whether the path names objects of a CRD the API server holds (so not of a built-in kind). */
  protected boolean definedByCrd(String path) {
    Matcher resource = RESOURCE.matcher(path);
    return resource.matches() && validators.containsKey(resource.group(1) + "/" + resource.group(2));
  }

  /** The object a write results in, from its body and the stored object (null on a create). */
  private interface PatchResult {
    JsonNode apply(JsonNode body, JsonNode stored);
  }

  /**
   * The API server's refusal, if the request writes an object of a known CRD that it would refuse;
   * {@code stored} says whether the write replaces a stored object (read for transition rules and patches).
   */
  private Optional<MockResponse> validated(RecordedRequest request, String path, PatchResult result, boolean stored) {
    Matcher resource = RESOURCE.matcher(path);
    CustomResourceValidator validator = resource.matches() ? validators.get(resource.group(1) + "/" + resource.group(2))
        : null;
    if (validator == null) {
      return Optional.empty();
    }
    JsonNode old = null;
    JsonNode object;
    try {
      if (stored) {
        MockResponse current = handleGet(path);
        if (current.code() != 200 || current.getBody() == null) {
          return Optional.empty(); // not there: the mock answers as the API server does
        }
        old = json.readTree(current.getBody().readUtf8());
      }
      object = result.apply(json.readTree(PodLogDispatcher.body(request)), old);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not JSON, or a patch that does not apply: the mock refuses it itself
    }
    if (strict(request)) {
      List<String> unknown = new ArrayList<>(validator.unknownFields(object));
      if (old != null) {
        unknown.removeAll(validator.unknownFields(old)); // stored before (by a client that did not ask): not this write's
      }
      if (!unknown.isEmpty()) {
        return Optional.of(ApiStatus.failure(400, "BadRequest", validator.strictDecodingError(object, unknown)));
      }
    }
    return validator.validate(object, old).map(invalid ->
        new MockResponse().setResponseCode(Invalid.CODE).setBody(serialization.asJson(invalid.status())));
  }

  /** Whether the client asked for strict field validation (kubectl does unless told {@code --validate=false}). */
  private static boolean strict(RecordedRequest request) {
    return PodLogDispatcher.queryAll(PodLogDispatcher.rawQuery(request)).getOrDefault("fieldValidation", List.of())
        .contains("Strict");
  }

}
