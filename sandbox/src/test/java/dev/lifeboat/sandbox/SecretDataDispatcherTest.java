package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.ApiServerStandIn.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Secret's stringData ends up in data, as the API server stores it, however the Secret is written. */
class SecretDataDispatcherTest {
  private static final String SECRET = "/api/v1/namespaces/rose/secrets/s3";
  @RegisterExtension
  final ApiServerStandIn api = new ApiServerStandIn();

  @BeforeEach
  void start() throws Exception {
    api.client().secrets().inNamespace("rose").resource(new SecretBuilder().withNewMetadata().withName("s3")
        .withNamespace("rose").endMetadata().addToData("AWS_ACCESS_KEY_ID", base64("old-id"))
        .addToData("kept", base64("kept")).addToStringData("AWS_ACCESS_KEY_ID", "rose").build()).create();
  }


  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private Map<String, String> stored() {
    assertThat(json(api.get(SECRET)).has("stringData")).as("stringData is never stored").isFalse();
    Secret secret = api.client().secrets().inNamespace("rose").withName("s3").get();
    Map<String, String> values = new LinkedHashMap<>();
    secret.getData().forEach((key, value) -> values.put(key, new String(Base64.getDecoder().decode(value),
        StandardCharsets.UTF_8)));
    return values;
  }

  @Test
  void aCreatedSecretsStringDataOverridesItsDataAndItsTypeDefaultsToOpaque() {
    assertThat(stored()).containsOnly(Map.entry("AWS_ACCESS_KEY_ID", "rose"), Map.entry("kept", "kept"));
    assertThat(json(api.get(SECRET)).path("type").asText()).isEqualTo("Opaque");
  }

  @Test
  void anUpdatesStringDataIsMergedIntoData() {
    Secret secret = api.client().secrets().inNamespace("rose").withName("s3").get();
    secret.setStringData(Map.of("AWS_SECRET_ACCESS_KEY", "thorns"));
    api.client().secrets().inNamespace("rose").resource(secret).update();
    assertThat(stored()).containsOnly(Map.entry("AWS_ACCESS_KEY_ID", "rose"), Map.entry("kept", "kept"),
        Map.entry("AWS_SECRET_ACCESS_KEY", "thorns"));
  }

  @Test
  void aPatchThatCannotApplyToASecretIsAnsweredWithTheReason() {
    HttpResponse<String> failedTest = api.send("PATCH", SECRET, "application/json-patch+json",
        "[{\"op\":\"test\",\"path\":\"/data/kept\",\"value\":\"zz\"}]");
    assertThat(failedTest.statusCode()).isEqualTo(422);
    assertThat(api.send("PATCH", SECRET, "application/merge-patch+json", "[1]").statusCode()).isEqualTo(422);
    assertThat(stored()).containsEntry("kept", "kept");
  }

  @Test
  void everyKindOfPatchOfStringDataChangesData() {
    // kubectl apply of a Secret whose stringData changed
    HttpResponse<String> strategic = api.send("PATCH", SECRET, StrategicMergeDispatcher.CONTENT_TYPE,
        "{\"stringData\":{\"AWS_ACCESS_KEY_ID\":\"lily\"}}");
    assertThat(strategic.statusCode()).as(strategic.body()).isEqualTo(200);
    assertThat(json(strategic).has("stringData")).isFalse();
    assertThat(stored()).containsEntry("AWS_ACCESS_KEY_ID", "lily");

    assertThat(api.send("PATCH", SECRET, "application/merge-patch+json",
        "{\"stringData\":{\"AWS_ACCESS_KEY_ID\":\"tulip\"},\"data\":{\"kept\":null}}").statusCode()).isEqualTo(200);
    assertThat(stored()).containsOnly(Map.entry("AWS_ACCESS_KEY_ID", "tulip"));

    assertThat(api.send("PATCH", SECRET, "application/json-patch+json",
        "[{\"op\":\"add\",\"path\":\"/stringData\",\"value\":{\"more\":\"petals\"}}]").statusCode()).isEqualTo(200);
    assertThat(stored()).containsOnly(Map.entry("AWS_ACCESS_KEY_ID", "tulip"), Map.entry("more", "petals"));
  }
}
