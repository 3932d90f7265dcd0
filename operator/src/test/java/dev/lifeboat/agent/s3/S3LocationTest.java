package dev.lifeboat.agent.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3LocationTest {

  @Test
  void parsesBucketAlone() {
    S3Location location = S3Location.parse("s3://backups");
    assertThat(location.bucket()).isEqualTo("backups");
    assertThat(location.prefix()).isEmpty();
    assertThat(location.key("rose", "rose-memory", "manifest.json")).isEqualTo("rose/rose-memory/manifest.json");
  }

  @Test
  void parsesBucketWithPrefixAndDropsStraySlashes() {
    S3Location location = S3Location.parse("s3://backups//team/lifeboat/");
    assertThat(location.bucket()).isEqualTo("backups");
    assertThat(location.prefix()).isEqualTo("team/lifeboat");
    assertThat(location).hasToString("s3://backups/team/lifeboat");
  }

  @Test
  void joinsKeysWithoutLeadingOrDoubleSlashes() {
    S3Location location = S3Location.parse("s3://b/p");
    assertThat(location.key("ns", "policy", "20251109T020000Z", "data.tar.zst"))
        .isEqualTo("p/ns/policy/20251109T020000Z/data.tar.zst");
    assertThat(location.key("/ns/", "//policy")).isEqualTo("p/ns/policy");
    assertThat(location.key()).isEqualTo("p");
    assertThat(new S3Location("b", "").key("/x")).isEqualTo("x");
  }

  @Test
  void keepsATrailingSlashToNameAListingPrefix() {
    S3Location location = S3Location.parse("s3://b/p");
    assertThat(location.key("ns", "policy/")).isEqualTo("p/ns/policy/");
    assertThat(location.key("ns", "policy", "")).isEqualTo("p/ns/policy/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3:/x", "s3://", "http://bucket/x", "bucket/x", "s3:///prefix", "s3://bad bucket"})
  void rejectsWhatIsNotAnS3Uri(String uri) {
    assertThatThrownBy(() -> S3Location.parse(uri))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--repository: '" + uri + "' is not s3://BUCKET[/PREFIX]");
  }

  @Test
  void optionsRejectUnknownEncryptionModes() {
    assertThatThrownBy(() -> new S3Options(null, null, false, "rot13", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--sse");
    assertThatThrownBy(() -> new S3Options(null, null, false, null, "key-1"))
        .hasMessageContaining("--kms-key-id needs --sse aws:kms");
    assertThat(new S3Options(null, "eu-west-1", false, "aws:kms", "key-1").effectiveRegion()).isEqualTo("eu-west-1");
  }
}
