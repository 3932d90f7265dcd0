package dev.lifeboat.agent.ops;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.archive.ArchiveStats;
import dev.lifeboat.agent.archive.ArchiveVerifier;
import dev.lifeboat.agent.archive.ChecksumMismatchException;
import dev.lifeboat.agent.archive.Codec;
import dev.lifeboat.agent.archive.DigestingInputStream;
import dev.lifeboat.agent.archive.RestoreMode;
import dev.lifeboat.agent.archive.SafeExtractor;
import dev.lifeboat.agent.archive.UnsafeArchiveException;
import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Times;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Restores one volume of one backup into a directory (or, with target null, only verifies it):
 * download → decrypt → decompress → untar, checking every file's SHA-256 against the manifest
 * and the archive's own SHA-256 once it has been read to the end.
 */
public final class RestoreOperation {
  static final int READ_BUFFER = 1024 * 1024;
  /** Ranges in flight times range size bounds the download memory: 4 × 8 MiB. */
  static final int DOWNLOAD_CHUNK = 8 * 1024 * 1024;
  static final int PARALLEL_DOWNLOADS = 4;

  /** target null means verify only: read and check everything, write nothing. */
  public record Request(String backup, Instant before, String claim, Path target, RestoreMode mode, List<String> paths,
      ArchiveEncryption encryption) {}

  private final BackupRepository repository;
  private final Clock clock;
  private final PrintStream out;

  public RestoreOperation(BackupRepository repository, Clock clock, PrintStream out) {
    this.repository = repository;
    this.clock = clock;
    this.out = out;
  }

  public AgentResult run(Request request) throws IOException {
    Instant start = clock.instant();
    boolean verifyOnly = request.target() == null;
    if (!verifyOnly && !Files.isDirectory(request.target())) {
      throw new IllegalArgumentException("--target: " + request.target() + " is not a directory");
    }
    Manifest manifest = BackupSelector.select(repository, request.backup(), request.before());
    List<Manifest.Volume> volumes = verifyOnly && (request.claim() == null || request.claim().isBlank())
        ? manifest.volumes() : List.of(BackupSelector.volume(manifest, request.claim()));
    if (manifest.encryption() != null && request.encryption() == null) {
      throw new IllegalArgumentException("backup " + manifest.id() + " is encrypted (key id " + manifest.encryption().keyId()
          + "); pass --encryption-key-file");
    }
    if (manifest.encryption() != null && !manifest.encryption().keyId().equals(request.encryption().keyId())) {
      throw new IllegalArgumentException("--encryption-key-file: wrong key: backup " + manifest.id()
          + " was encrypted with key id " + manifest.encryption().keyId() + ", this key's id is " + request.encryption().keyId());
    }
    long files = 0;
    long bytes = 0;
    for (Manifest.Volume volume : volumes) {
      ArchiveStats stats = readVolume(manifest, volume, request, verifyOnly);
      files += stats.files();
      bytes += volume.size();
    }
    Instant end = clock.instant();
    String verb = verifyOnly ? "verified" : "restored";
    String message = verb + " backup " + manifest.id() + " (" + files + " files, " + Sizes.human(bytes) + ")"
        + (verifyOnly ? ": every checksum matches" : " into " + request.target());
    return new AgentResult(AgentResult.CURRENT_VERSION, verifyOnly ? "verify" : "restore", manifest.id(),
        BackupPhase.Succeeded, Times.rfc3339(start), Times.rfc3339(end), bytes, files, null,
        Duration.between(start, end).toMillis() / 1000.0, manifest.suspicious(), message, null);
  }

  private ArchiveStats readVolume(Manifest manifest, Manifest.Volume volume, Request request, boolean verifyOnly)
      throws IOException {
    Map<String, String> expected = repository.fileList(manifest.id(), volume).sha256ByPath();
    String label = (verifyOnly ? "verify " : "restore ") + volume.claim();
    String key = repository.key(manifest.id(), volume.object());
    try (InputStream raw = volume.size() > DOWNLOAD_CHUNK
        ? repository.store().downloadInParallel(key, DOWNLOAD_CHUNK, PARALLEL_DOWNLOADS)
        : repository.store().download(key)) {
      Progress progress = new Progress(raw, label, volume.size(), out);
      DigestingInputStream digest = new DigestingInputStream(progress);
      InputStream plain = request.encryption() == null ? digest
          : request.encryption().decrypt(digest, BackupOperation.associatedData(manifest.id(), volume.claim()));
      ArchiveStats stats;
      try {
        InputStream tar = new BufferedInputStream(Codec.valueOf(manifest.compression()).decompress(plain), READ_BUFFER);
        stats = verifyOnly
            ? ArchiveVerifier.verify(tar, expected)
            : new SafeExtractor(request.target(), request.mode(), request.paths()).extract(tar, expected);
        tar.transferTo(java.io.OutputStream.nullOutputStream()); // read to the end so the archive's own checksum covers every byte
      } catch (ChecksumMismatchException | UnsafeArchiveException | FileSystemException e) {
        throw e;
      } catch (IOException e) {
        // The decompressor's or decryptor's own words ("doesn't match checksum", "tag mismatch") do not say which file.
        throw new ChecksumMismatchException(volume.object(), "archive " + volume.object() + " of backup " + manifest.id()
            + " cannot be read, it is damaged or was altered: " + e.getMessage());
      }
      if (digest.count() != volume.size() || !digest.sha256Hex().equals(volume.sha256())) {
        throw new ChecksumMismatchException(volume.object(), "archive " + volume.object() + " of backup " + manifest.id()
            + " does not match its manifest (size " + digest.count() + " vs " + volume.size() + ", SHA-256 differs)");
      }
      progress.print();
      return stats;
    }
  }
}
