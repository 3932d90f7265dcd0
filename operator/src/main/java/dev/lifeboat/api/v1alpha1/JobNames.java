package dev.lifeboat.api.v1alpha1;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Deterministic names of the Jobs Lifeboat creates: the same run always gets the same name. */
public final class JobNames {
  /** Job names end up in the job-name label of their pods, and label values stop at 63 characters. */
  public static final int MAX_LENGTH = 63;

  private JobNames() {}

  /** {@code <policy>-<backupid>} in lower case, shortened with a hash of the policy name when too long. */
  public static String backupJob(String policy, String backupId) {
    return join(policy, backupId.toLowerCase(Locale.ROOT));
  }

  /** {@code <restorerequest>-<step>}: list, safety or restore; one Job per step of a restore. */
  public static String restoreJob(String restoreRequest, String step) {
    return join(restoreRequest, step);
  }

  /** {@code <policy>-verify-<drillid>}: one restore drill (spec.verify), its id the UTC time it started. */
  public static String verifyJob(String policy, String drillId) {
    return join(policy, "verify-" + drillId.toLowerCase(Locale.ROOT));
  }

  /** {@code <policy>-discover}: the one listing of the repository a policy does before its first run. */
  public static String discoveryJob(String policy) {
    return join(policy, "discover");
  }

  static String join(String owner, String suffix) {
    String name = owner + "-" + suffix;
    if (name.length() <= MAX_LENGTH) {
      return name;
    }
    String hash = sha256(owner).substring(0, 8);
    int room = MAX_LENGTH - suffix.length() - hash.length() - 2;
    String head = owner.substring(0, room).replaceAll("[-.]+$", "");
    return head + "-" + hash + "-" + suffix;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
