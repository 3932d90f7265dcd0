package dev.lifeboat.agent.s3;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The ETag S3 gives an object completed from parts: the MD5 of the parts' MD5s, then "-" and the
 * number of parts. Lets a client recognise, by a HEAD, the object its own parts made.
 */
final class MultipartETag {
  private MultipartETag() {}

  /** The expected ETag, unquoted; empty when a part's ETag is not an MD5 (SSE-KMS, some stores). */
  static Optional<String> of(List<CompletedPart> parts) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      for (CompletedPart part : parts) {
        String hex = unquoted(part.eTag());
        if (hex == null || !hex.matches("[0-9a-fA-F]{32}")) {
          return Optional.empty();
        }
        md5.update(HexFormat.of().parseHex(hex));
      }
      return Optional.of(HexFormat.of().formatHex(md5.digest()) + "-" + parts.size());
    } catch (NoSuchAlgorithmException e) {
      return Optional.empty();
    }
  }

  static String unquoted(String etag) {
    if (etag == null) {
      return null;
    }
    String trimmed = etag.trim();
    return trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")
        ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
  }
}
