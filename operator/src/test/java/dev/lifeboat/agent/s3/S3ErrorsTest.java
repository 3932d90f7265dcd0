package dev.lifeboat.agent.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The mapping on exceptions the SDK raises; the same paths run against S3Proxy in S3AccessErrorsTest. */
class S3ErrorsTest {
  private final S3Errors aws = S3Errors.of(new S3Options(null, "eu-west-1", false, null, null), S3Location.parse("s3://b/p"));

  @Test
  void unknownHostMeansTheEndpointCannotBeReached() {
    var failure =
        SdkClientException.create("Unable to execute HTTP request: s3.example.invalid", new UnknownHostException("s3.example.invalid"));
    assertThat(aws.translate("list", failure).getMessage())
        .isEqualTo("cannot reach S3 endpoint https://s3.eu-west-1.amazonaws.com: unknown host s3.example.invalid");
  }

  @Test
  void refusedConnectionNamesTheCustomEndpoint() {
    S3Errors custom = S3Errors.of(new S3Options("http://minio:9000", null, true, null, null), S3Location.parse("s3://b"));
    var failure = SdkClientException.create("Unable to execute HTTP request", new ConnectException("Connection refused"));
    assertThat(custom.translate("list", failure).getMessage())
        .isEqualTo("cannot reach S3 endpoint http://minio:9000: Connection refused");
  }

  @Test
  void aConnectionLostOnceMadeNamesTheCallNotAnUnreachableEndpoint() {
    var failure = SdkClientException.create("Unable to execute HTTP request: The target server failed to respond",
        new org.apache.http.NoHttpResponseException("The target server failed to respond"));
    assertThat(aws.translate("upload", failure, "p/x").getMessage())
        .isEqualTo("S3 upload failed: connection to https://s3.eu-west-1.amazonaws.com lost: The target server failed"
            + " to respond");
  }

  @Test
  void missingBucketOnAwsSaysAws() {
    S3Exception failure = s3Error(404, "NoSuchBucket", "The specified bucket does not exist");
    assertThat(aws.translate("put", failure, "p/x").getMessage()).isEqualTo("bucket b does not exist at AWS");
  }

  @Test
  void missingKeyNamesTheKey() {
    var failure = NoSuchKeyException.builder().statusCode(404).message("The specified key does not exist.").build();
    assertThat(aws.translate("download", failure, "p/ns/x.tar").getMessage()).isEqualTo("p/ns/x.tar not found in bucket b");
  }

  @Test
  void missingCredentialsSayWhichVariablesToSet() {
    var failure = SdkClientException.create("Unable to load credentials from any of the providers in the chain ...");
    assertThat(aws.translate("list", failure).getMessage())
        .isEqualTo("no S3 credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
  }

  @Test
  void anythingElseKeepsTheFirstLineOfTheSdkMessage() {
    S3Exception failure = s3Error(500, "InternalError", "We encountered an internal error.\nPlease try again.");
    assertThat(aws.translate("upload", failure, "p/x").getMessage())
        .isEqualTo("S3 upload failed: We encountered an internal error.");
  }

  private static S3Exception s3Error(int status, String code, String message) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .message(message)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
            .build();
  }
}
