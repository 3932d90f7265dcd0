package dev.lifeboat.agent.cli;

import dev.lifeboat.agent.archive.ArchiveEncryption;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --encryption-key-file, shared by the commands that read or write archives. */
public final class EncryptionKeyOption {
  @Option(names = "--encryption-key-file", paramLabel = "FILE",
      description = "Key for client-side encryption (at least 32 bytes of secret).")
  Path file;

  /** The key, or null when no key file was given. */
  ArchiveEncryption load() throws IOException {
    return file == null ? null : ArchiveEncryption.fromKeyFile(file);
  }
}
