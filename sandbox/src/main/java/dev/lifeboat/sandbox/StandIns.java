package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.Encryption;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.api.v1alpha1.S3Destination;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code run --stand-in} does so that an example written for a real cluster runs here as
 * shipped: the sandbox stands in for the outside world the YAML points at.
 *
 * <ul>
 *   <li>Every S3 destination is the sandbox's S3 server ({@link #redirect}): an agent's
 *       {@code --endpoint}, {@code --region} and addressing style are replaced as it starts, the
 *       way a DNS override would send every S3 host to one server; the bucket keeps its name and is
 *       created when missing. The objects in the API server keep what the YAML says.</li>
 *   <li>The Secrets that BackupPolicies and RestoreRequests name for S3 credentials get the
 *       sandbox's credentials, and those they name for encryption keys a random key of 48 bytes
 *       (base64, as {@code openssl rand -base64 48} gives), generated once per state directory and
 *       kept there, so a later run restores what an earlier one encrypted ({@link #admit}). The
 *       YAML's placeholder values never reach the cluster.</li>
 * </ul>
 */
public final class StandIns {
  static final String ACCESS_KEY = "AWS_ACCESS_KEY_ID";
  static final String SECRET_KEY = "AWS_SECRET_ACCESS_KEY";
  /** What a real server would refuse without a KMS; S3Proxy keeps no server-side encryption either. */
  private static final Set<String> SERVER_SIDE_FLAGS = Set.of("--sse", "--kms-key-id");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final Path state;
  private final String endpoint;
  /** Secrets ({@code namespace/name}) named for S3 credentials. */
  private final Set<String> credentialSecrets = new HashSet<>();
  /** Secrets ({@code namespace/name}) named for encryption keys, to the keys inside them. */
  private final Map<String, Set<String>> keySecrets = new HashMap<>();

  private StandIns(Path state, String endpoint) {
    this.state = state;
    this.endpoint = endpoint;
  }

  /** Stand-ins for the Secrets that the Lifeboat objects among {@code objects} reference. */
  static StandIns forObjects(Path state, String s3Endpoint, List<HasMetadata> objects) {
    StandIns standIns = new StandIns(state, s3Endpoint);
    for (HasMetadata loaded : objects) {
      String namespace = loaded.getMetadata().getNamespace();
      // Custom resources come as written (generic); read ours as their types.
      Object object;
      try {
        object = switch (loaded.getKind()) {
          case "BackupPolicy" -> SERIALIZATION.convertValue(loaded, BackupPolicy.class);
          case "RestoreRequest" -> SERIALIZATION.convertValue(loaded, RestoreRequest.class);
          default -> loaded;
        };
      } catch (IllegalArgumentException e) {
        continue; // a value of the wrong type: the API server refuses the object, in its words, when it is applied
      }
      if (object instanceof BackupPolicy policy && policy.getSpec() != null) {
        standIns.credentials(namespace, policy.getSpec().destination == null ? null : policy.getSpec().destination.s3);
        standIns.key(namespace, policy.getSpec().encryption);
      } else if (object instanceof RestoreRequest restore && restore.getSpec() != null
          && restore.getSpec().source != null && restore.getSpec().source.repository != null) {
        standIns.credentials(namespace, restore.getSpec().source.repository.s3);
        standIns.key(namespace, restore.getSpec().source.repository.encryption);
      }
    }
    return standIns;
  }

  private void credentials(String namespace, S3Destination s3) {
    if (s3 != null && s3.credentialsSecretRef != null) {
      credentialSecrets.add(namespace + "/" + s3.credentialsSecretRef.name);
    }
  }

  private void key(String namespace, Encryption encryption) {
    if (encryption != null && encryption.keySecretRef != null) {
      keySecrets.computeIfAbsent(namespace + "/" + encryption.keySecretRef.name, k -> new TreeSet<>())
          .add(encryption.keySecretRef.key);
    }
  }

  /**
   * {@code object} as the cluster stores it: a referenced Secret with the stand-in values in
   * {@code data} (the same keys left out of {@code stringData}); anything else unchanged.
   */
  HasMetadata admit(HasMetadata object) {
    if (!(object instanceof Secret secret)) {
      return object;
    }
    String id = secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
    Map<String, String> values = new LinkedHashMap<>();
    if (credentialSecrets.contains(id)) {
      values.put(ACCESS_KEY, Sandbox.S3_ACCESS_KEY);
      values.put(SECRET_KEY, Sandbox.S3_SECRET_KEY);
    }
    for (String key : keySecrets.getOrDefault(id, Set.of())) {
      values.put(key, encryptionKey(secret.getMetadata().getNamespace(), secret.getMetadata().getName(), key));
    }
    if (values.isEmpty()) {
      return object;
    }
    // As a real API server stores them: in data, base64; the same keys of stringData would override them.
    Map<String, String> data = new LinkedHashMap<>(secret.getData() == null ? Map.of() : secret.getData());
    values.forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    secret.setData(data);
    if (secret.getStringData() != null) {
      Map<String, String> stringData = new LinkedHashMap<>(secret.getStringData());
      values.keySet().forEach(stringData::remove);
      secret.setStringData(stringData.isEmpty() ? null : stringData);
    }
    return secret;
  }

  /** Which Secrets this stands in for, for the run's output: {@code namespace/name}, sorted. */
  List<String> secrets() {
    TreeSet<String> all = new TreeSet<>(credentialSecrets);
    all.addAll(keySecrets.keySet());
    return new ArrayList<>(all);
  }

  /** The key kept in {@code <state>/stand-in-keys/<ns>/<secret>/<key>}, made on first use. */
  private String encryptionKey(String namespace, String secret, String key) {
    Path file = state.resolve("stand-in-keys").resolve(namespace).resolve(secret).resolve(key);
    try {
      if (!Files.exists(file)) {
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        Files.createDirectories(file.getParent());
        Files.writeString(file, Base64.getEncoder().encodeToString(random));
      }
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the stand-in key in " + file, e);
    }
  }

  /**
   * An agent's command line (without the leading {@code lifeboat}) with its repository on the
   * sandbox's S3 server: {@code --endpoint} is the sandbox's, {@code --region} us-east-1,
   * {@code --path-style} set, {@code --sse}/{@code --kms-key-id} left out (no KMS here); the
   * bucket named in {@code --repository} is created in {@code blobs} when missing.
   */
  List<String> redirect(List<String> args, Path blobs) {
    List<String> out = new ArrayList<>();
    boolean repository = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--endpoint") || arg.equals("--region") || SERVER_SIDE_FLAGS.contains(arg)) {
        i++; // and its value
      } else if (arg.equals("--path-style")) {
        continue;
      } else if (arg.equals("--repository") && i + 1 < args.size()) {
        repository = true;
        String url = args.get(++i);
        createBucket(blobs, url);
        out.addAll(List.of(arg, url, "--endpoint", endpoint, "--region", "us-east-1", "--path-style"));
      } else {
        out.add(arg);
      }
    }
    return repository ? out : args;
  }

  private static void createBucket(Path blobs, String url) {
    String bucket = url.replaceFirst("^s3://", "").split("/", 2)[0];
    try {
      Files.createDirectories(blobs.resolve(bucket));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create bucket " + bucket + " in the sandbox's S3 server", e);
    }
  }
}
