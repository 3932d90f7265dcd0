package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.archive.NotAKeyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --encryption-key-file, shared by the commands that read or write archives. */
public final class EncryptionKeyOption {
  @Option(names = "--encryption-key-file", paramLabel = "FILE",
      description = "Key for client-side encryption (at least 32 bytes of secret).")
  Path file;

  @Option(names = "--encryption-key-secret", paramLabel = "NAME/KEY",
      description = "The Kubernetes Secret and key the key file is mounted from; named in the error when the file is missing or not a key.")
  String secret;

  /** The key for reading archives, or null when no key file was given. */
  ArchiveEncryption load() throws IOException {
    return load(false);
  }

  /**
   * The key for writing new archives, or null when no key file was given: a key that is obviously
   * not one is refused, naming where it comes from (reading stays lenient, for backups made before).
   */
  ArchiveEncryption loadForNewArchives() throws IOException {
    return load(true);
  }

  private ArchiveEncryption load(boolean newArchives) throws IOException {
    if (file == null) {
      return null;
    }
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(missing());
    }
    try {
      return newArchives ? ArchiveEncryption.forNewArchives(file) : ArchiveEncryption.fromKeyFile(file);
    } catch (NotAKeyException e) {
      throw new IllegalArgumentException(source() + " is not an encryption key: " + e.getMessage()
          + "; make one with: openssl rand -base64 48", e);
    }
  }

  /** Where the key comes from, in the user's terms. */
  private String source() {
    int slash = secret == null ? -1 : secret.lastIndexOf('/');
    if (slash < 0) {
      return "encryption key file " + file;
    }
    return "key \"" + secret.substring(slash + 1) + "\" of Secret \"" + secret.substring(0, slash)
        + "\" (spec.encryption.keySecretRef)";
  }

  private String missing() {
    int slash = secret == null ? -1 : secret.lastIndexOf('/');
    if (slash < 0) {
      return "encryption key file " + file + " does not exist";
    }
    return "encryption key missing: Secret \"" + secret.substring(0, slash) + "\" does not exist or has no key \""
        + secret.substring(slash + 1) + "\" (spec.encryption.keySecretRef)";
  }
}
