package dev.lifeboat.agent.s3;

import java.util.Set;

/**
 * Connection settings from the CLI. {@code endpoint} null means AWS; {@code region} null means the
 * {@code AWS_REGION} environment variable, else us-east-1. {@code sse}: null, "AES256" or "aws:kms"
 * (then {@code kmsKeyId} optionally names the key).
 */
public record S3Options(String endpoint, String region, boolean pathStyle, String sse, String kmsKeyId) {
  private static final Set<String> SSE_MODES = Set.of("AES256", "aws:kms");

  public S3Options {
    endpoint = blankToNull(endpoint);
    region = blankToNull(region);
    sse = blankToNull(sse);
    kmsKeyId = blankToNull(kmsKeyId);
    if (sse != null && !SSE_MODES.contains(sse)) {
      throw new IllegalArgumentException("--sse: '" + sse + "' is not AES256 or aws:kms");
    }
    if (kmsKeyId != null && !"aws:kms".equals(sse)) {
      throw new IllegalArgumentException("--kms-key-id needs --sse aws:kms");
    }
  }

  /** Plain AWS with the default region and no encryption headers. */
  public static S3Options aws() {
    return new S3Options(null, null, false, null, null);
  }

  /** The region actually used: the option, else AWS_REGION, else us-east-1. */
  public String effectiveRegion() {
    if (region != null) {
      return region;
    }
    String env = blankToNull(System.getenv("AWS_REGION"));
    return env != null ? env : "us-east-1";
  }

  /** How the endpoint is named in error messages: the URL given, or AWS's regional endpoint. */
  public String endpointLabel() {
    return endpoint != null ? endpoint : "https://s3." + effectiveRegion() + ".amazonaws.com";
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
