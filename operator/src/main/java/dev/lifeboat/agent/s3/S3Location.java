package dev.lifeboat.agent.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a repository lives: {@code s3://bucket[/prefix]}. The prefix is kept without leading or
 * trailing slashes; {@link #key} builds full object keys inside the bucket.
 */
public record S3Location(String bucket, String prefix) {
  private static final Pattern URI = Pattern.compile("s3://([^/\\s]+)(/[^\\s]*)?");

  public S3Location {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("bucket must not be empty");
    }
    prefix = normalize(prefix == null ? "" : prefix);
  }

  public static S3Location parse(String uri) {
    var match = uri == null ? null : URI.matcher(uri.trim());
    if (match == null || !match.matches()) {
      throw new IllegalArgumentException("--repository: '" + uri + "' is not s3://BUCKET[/PREFIX]");
    }
    return new S3Location(match.group(1), match.group(2));
  }

  /**
   * Joins the prefix and the parts with '/': no leading '/', no empty segments. A trailing '/' on
   * the last part is kept, so {@code key(ns, policy, "")} and {@code key(ns, policy + "/")} both
   * name a "directory" prefix usable for listings.
   */
  public String key(String... parts) {
    List<String> segments = new ArrayList<>();
    if (!prefix.isEmpty()) {
      segments.add(prefix);
    }
    boolean trailingSlash = false;
    for (String part : parts) {
      if (part == null) {
        continue;
      }
      String clean = normalize(part);
      if (!clean.isEmpty()) {
        segments.add(clean);
      }
      trailingSlash = part.isEmpty() || part.endsWith("/");
    }
    String joined = String.join("/", segments);
    return trailingSlash && parts.length > 0 && !joined.isEmpty() ? joined + "/" : joined;
  }

  @Override
  public String toString() {
    return prefix.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + prefix;
  }

  private static String normalize(String path) {
    String collapsed = path.replaceAll("/{2,}", "/");
    int start = 0;
    int end = collapsed.length();
    while (start < end && collapsed.charAt(start) == '/') {
      start++;
    }
    while (end > start && collapsed.charAt(end - 1) == '/') {
      end--;
    }
    return collapsed.substring(start, end);
  }
}
