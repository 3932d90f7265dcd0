package dev.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.BinaryOperator;
import java.util.regex.Pattern;

/**
 * A Secret as the API server stores it, on every create, update and patch: {@code stringData} merged
 * into {@code data} (base64, overriding the same keys) and dropped, never stored; {@code type}
 * defaulted to {@code Opaque}. The CRUD mock stores a Secret as sent, so one applied, or re-applied,
 * from the usual YAML would show a container its old {@code data}, or values only in
 * {@code stringData}.
 */
class SecretDataDispatcher extends StrategicMergeDispatcher {
  private static final Pattern SECRET = Pattern.compile("^/api/v1/namespaces/[^/]+/secrets(?:/[^/]+)?$");
  private final ObjectMapper json = new ObjectMapper();

  SecretDataDispatcher() {
    super();
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    return super.handleCreate(isSecret(request) ? stored(request) : request);
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    return super.handleUpdate(isSecret(request) ? stored(request) : request);
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    if (!isSecret(request)) {
      return super.handlePatch(request);
    }
    String type = String.valueOf(request.getHeader("Content-Type"));
    BinaryOperator<JsonNode> patchOf = type.startsWith(CONTENT_TYPE)
        ? (patch, stored) -> StrategicMergePatch.apply((ObjectNode) stored, patch)
        : PatchTypes.of(type).orElse(null);
    if (patchOf == null) {
      return super.handlePatch(request);
    }
    return patchWith(request, (patch, stored) -> {
      JsonNode patched = patchOf.apply(patch, stored);
      if (!(patched instanceof ObjectNode secret)) {
        throw new IllegalArgumentException("the patched Secret is not an object");
      }
      return asStored(secret);
    });
  }

  /** {@code secret} as the API server stores it. */
  static ObjectNode asStored(ObjectNode secret) {
    if (!secret.hasNonNull("type")) {
      secret.put("type", "Opaque");
    }
    JsonNode strings = secret.remove("stringData");
    if (strings != null && strings.isObject()) {
      ObjectNode data = secret.withObject("/data");
      strings.properties().forEach(entry -> data.put(entry.getKey(),
          Base64.getEncoder().encodeToString(entry.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    }
    return secret;
  }

  private static boolean isSecret(RecordedRequest request) {
    return SECRET.matcher(PodLogDispatcher.path(request)).matches();
  }

  /** The request with the Secret in its body as stored; a body that is no object is left to the mock to refuse. */
  private RecordedRequest stored(RecordedRequest request) {
    try {
      JsonNode body = json.readTree(PodLogDispatcher.body(request));
      if (!(body instanceof ObjectNode secret) || !secret.has("stringData") && secret.hasNonNull("type")) {
        return request;
      }
      return new RecordedRequest(request.getHttpVersion(), HttpMethod.valueOf(request.getMethod()), request.getPath(),
          request.getHeaders(), new Buffer().write(json.writeValueAsBytes(asStored(secret))));
    } catch (IOException e) {
      return request;
    }
  }
}
