package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.archive.ArchiveEncryption;
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
      description = "The Kubernetes Secret and key the key file is mounted from; named in the error when the file is missing.")
  String secret;

  /** The key, or null when no key file was given. */
  ArchiveEncryption load() throws IOException {
    if (file == null) {
      return null;
    }
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(missing());
    }
    return ArchiveEncryption.fromKeyFile(file);
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
