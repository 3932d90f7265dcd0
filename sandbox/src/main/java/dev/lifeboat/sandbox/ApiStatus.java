package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;

/** The API server's answer to a request it refuses: a {@code Status} of the code, reason and message. */
final class ApiStatus {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private ApiStatus() {}

  static MockResponse failure(int code, String reason, String message) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(SERIALIZATION.asJson(new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure")
            .withCode(code).withReason(reason).withMessage(message).build()));
  }
}
