package dev.lifeboat.agent.ops;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.archive.ArchiveReader;
import dev.lifeboat.agent.archive.LayerSelection;
import dev.lifeboat.agent.archive.ArchiveStats;
import dev.lifeboat.agent.archive.ArchiveVerifier;
import dev.lifeboat.agent.archive.ChecksumMismatchException;
import dev.lifeboat.agent.archive.Codec;
import dev.lifeboat.agent.archive.DigestingInputStream;
import dev.lifeboat.agent.archive.RestoreMode;
import dev.lifeboat.agent.archive.SafeExtractor;
import dev.lifeboat.agent.archive.StagedReplace;
import dev.lifeboat.agent.archive.UnsafeArchiveException;
import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.DamagedObjectException;
import dev.lifeboat.agent.repo.FileList;
import dev.lifeboat.agent.s3.MissingObjectException;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.repo.Pin;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Times;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Restores one volume of one backup into a directory: download → decrypt → decompress → untar,
 * checking every file's SHA-256 against the manifest and the archive's own SHA-256 once it has been
 * read to the end. {@link VerifyOperation} reads volumes the same way.
 */
public final class RestoreOperation {
  static final int READ_BUFFER = 1024 * 1024;
  /** Ranges in flight times range size bounds the download memory: 4 × 8 MiB. */
  static final int DOWNLOAD_CHUNK = 8 * 1024 * 1024;
  static final int PARALLEL_DOWNLOADS = 4;

  /**
   * @param pinTtl with a value, a pin object holds the backup from retention while it is read, and
   *     expires after this long if the restore is killed; null reads without a pin
   */
  public record Request(String backup, Instant before, String claim, Path target, RestoreMode mode, List<String> paths,
      ArchiveEncryption encryption, Duration pinTtl) {}

  /**
   * A dump restored into a command: the command reads {@code commandDir/out} as its standard input.
   *
   * @param waits how long the command may take to open its input, and to end once its input ended
   */
  public record DumpRequest(String backup, Instant before, String dump, Path commandDir, ArchiveEncryption encryption,
      Duration pinTtl, BackupOperation.DumpWaits waits) {}

  /** What reads a dump's plain bytes; returns how many it took. */
  @FunctionalInterface
  interface DumpConsumer {
    long accept(InputStream plain) throws IOException;
  }

  private final BackupRepository repository;
  private final Clock clock;
  private final PrintStream out;

  public RestoreOperation(BackupRepository repository, Clock clock, PrintStream out) {
    this.repository = repository;
    this.clock = clock;
    this.out = out;
  }

  public AgentResult run(Request request) throws IOException, TargetUnchanged {
    Instant start = clock.instant();
    // A missing target is created (as restic does): after a disaster the directory is often gone too.
    if (Files.exists(request.target()) && !Files.isDirectory(request.target())) {
      throw new IllegalArgumentException("--target: " + request.target() + " is not a directory");
    }
    Manifest chosen = BackupSelector.select(repository, request.backup(), request.before());
    Manifest.Volume volume = BackupSelector.volume(chosen, request.claim());
    requireKey(chosen, request.encryption());
    ArchiveStats stats;
    Files.createDirectories(request.target());
    try (Pins.Hold pin = pin(chosen, Pin.RESTORE, request.pinTtl())) {
      Manifest manifest = stillThere(chosen, pin);
      stats = request.mode() == RestoreMode.Replace ? replace(manifest, volume, request)
          : readVolume(manifest, volume, request.encryption(),
              new SafeExtractor(request.target(), RestoreMode.Merge, request.paths()), "restore " + volume.claim());
    }
    Instant end = clock.instant();
    // Devices and fifos (which no backup of ours holds, but a hand-made archive may) are skipped, not fatal.
    stats.warnings().forEach(w -> out.println("warning: " + w));
    String message = "restored backup " + chosen.id() + " (" + stats.files() + " files, " + Sizes.human(volume.size())
        + ") into " + request.target()
        + (stats.warnings().isEmpty() ? "" : "; " + Findings.summary(stats.warnings(), "warning(s)"));
    return new AgentResult(AgentResult.CURRENT_VERSION, "restore", chosen.id(),
        BackupPhase.Succeeded, Times.rfc3339(start), Times.rfc3339(end), volume.size(), stats.files(), null,
        Duration.between(start, end).toMillis() / 1000.0, chosen.suspicious(), message, null,
        Findings.first(stats.warnings()), null);
  }

  /**
   * Streams one dump into a command (download → decrypt → decompress → the command's standard input),
   * checking the object's SHA-256 and the dump's length at the end. The command has consumed its input
   * by then: a damaged object fails the restore, but the command may have acted on what came first.
   */
  public AgentResult runDump(DumpRequest request) throws IOException {
    try {
      return restoreDump(request);
    } catch (IOException | RuntimeException e) {
      DumpFiles.abort(request.commandDir()); // a target still waiting for go ends (ignored once it started)
      throw e;
    }
  }

  private AgentResult restoreDump(DumpRequest request) throws IOException {
    Instant start = clock.instant();
    if (!Files.isDirectory(request.commandDir())) {
      throw new IllegalArgumentException("--to-command: " + request.commandDir() + " is not a directory");
    }
    Manifest chosen = BackupSelector.select(repository, request.backup(), request.before());
    Manifest.Dump dump = BackupSelector.dump(chosen, request.dump());
    requireKey(chosen, request.encryption());
    DumpReader.Waits waits = new DumpReader.Waits(request.waits().start(), request.waits().exit());
    long bytes;
    try (Heartbeat heartbeat = Heartbeat.start(request.commandDir().toAbsolutePath().getParent());
        Pins.Hold pin = pin(chosen, Pin.RESTORE, request.pinTtl())) {
      Manifest manifest = stillThere(chosen, pin);
      bytes = readDump(manifest, dump, request.encryption(),
          plain -> DumpRestore.write(dump.name(), plain, request.commandDir(), waits), "restore dump " + dump.name());
    }
    Instant end = clock.instant();
    String message = "restored dump " + dump.name() + " of backup " + chosen.id() + " (" + Sizes.human(bytes)
        + ") into the target command";
    return new AgentResult(AgentResult.CURRENT_VERSION, "restore", chosen.id(),
        BackupPhase.Succeeded, Times.rfc3339(start), Times.rfc3339(end), dump.size(), 0L, null,
        Duration.between(start, end).toMillis() / 1000.0, chosen.suspicious(), message, null, null, null);
  }

  /**
   * Downloads one dump, decrypts and decompresses it into {@code consumer}, then checks the stored
   * object's size and SHA-256 and the dump's length against the manifest.
   */
  long readDump(Manifest manifest, Manifest.Dump dump, ArchiveEncryption encryption, DumpConsumer consumer,
      String label) throws IOException {
    String key = repository.key(manifest.id(), dump.object());
    try (InputStream raw = dump.size() > DOWNLOAD_CHUNK
        ? repository.store().downloadInParallel(key, DOWNLOAD_CHUNK, PARALLEL_DOWNLOADS)
        : repository.store().download(key)) {
      Progress progress = new Progress(raw, label, dump.size(), out);
      DigestingInputStream digest = new DigestingInputStream(progress);
      long bytes;
      try {
        InputStream plain = encryption == null ? digest
            : encryption.decrypt(digest, BackupOperation.dumpAssociatedData(manifest.id(), dump.name()));
        InputStream stream = Codec.named(manifest.compression()).orElseThrow().decompress(plain);
        bytes = consumer.accept(stream);
        stream.transferTo(java.io.OutputStream.nullOutputStream()); // to the end: the checksums cover every byte
      } catch (DumpFailed | FileSystemException e) {
        throw e;
      } catch (IOException e) {
        throw new ChecksumMismatchException(dump.object(), key + " cannot be read, it is damaged or was altered: "
            + e.getMessage());
      }
      if (digest.count() != dump.size() || !digest.sha256Hex().equals(dump.sha256())) {
        throw new ChecksumMismatchException(dump.object(), key + " does not match its manifest (size " + digest.count()
            + " vs " + dump.size() + ", SHA-256 differs)");
      }
      if (bytes != dump.bytes()) {
        throw new ChecksumMismatchException(dump.object(), key + " holds " + bytes + " bytes of dump " + dump.name()
            + ", its manifest says " + dump.bytes());
      }
      progress.print();
      return bytes;
    } catch (MissingObjectException e) {
      throw new DamagedObjectException(key + " is missing; the manifest of backup " + manifest.id() + " lists it", e);
    }
  }

  /**
   * Replace leaves the target as it was until the backup is proven whole: staged beside the current
   * contents and swapped in, or, when the volume has no room for both, read and checked once in full
   * before the target is emptied and the backup read again into it.
   */
  private ArchiveStats replace(Manifest manifest, Manifest.Volume volume, Request request)
      throws IOException, TargetUnchanged {
    String label = "restore " + volume.claim();
    long needed = stagingSpace(volume);
    long free = Files.getFileStore(request.target()).getUsableSpace();
    if (free < needed) {
      long held = bytesHeld(request.target());
      if (free + held < volume.bytes()) {
        throw new IllegalStateException("volume " + volume.claim() + " of backup " + manifest.id() + " holds "
            + Sizes.human(volume.bytes()) + ", the target has " + Sizes.human(free) + " free and " + Sizes.human(held)
            + " in the current contents: it cannot fit; restore into a larger claim. The target is unchanged");
      }
      out.println("the target has " + Sizes.human(free) + " free, staging the restore beside the current contents needs about "
          + Sizes.human(needed) + ": checking the whole backup first, then replacing in place");
      readVolume(manifest, volume, request.encryption(), null, "check " + volume.claim());
      return readVolume(manifest, volume, request.encryption(),
          new SafeExtractor(request.target(), RestoreMode.Replace, request.paths()), label);
    }
    try (StagedReplace staged = StagedReplace.open(request.target())) {
      ArchiveStats stats;
      try {
        stats = readVolume(manifest, volume, request.encryption(),
            new SafeExtractor(staged.staging(), RestoreMode.Replace, request.paths()), label);
        staged.commit(request.paths());
      } catch (IOException | RuntimeException e) {
        throw new TargetUnchanged(e, needed);
      }
      return stats;
    }
  }

  /** What emptying the target would free, roughly: the sizes of the files in it. */
  private static long bytesHeld(Path target) throws IOException {
    long[] total = {0};
    Files.walkFileTree(target, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        total[0] += attributes.isRegularFile() ? attributes.size() : 0;
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE; // what cannot be read cannot be counted on either
      }
    });
    return total[0];
  }

  /** The room a staged restore takes: the files' bytes, and a file-system block for each (small files round up). */
  static long stagingSpace(Manifest.Volume volume) {
    return volume.bytes() + volume.files() * 4096;
  }

  /** A pin on the backup for as long as it is read, or null (no pin wanted); close it when done. */
  Pins.Hold pin(Manifest manifest, String reason, Duration ttl) {
    return ttl == null ? null : new Pins(repository, clock).hold(manifest.id(), reason, ttl, System.err);
  }

  /**
   * The manifest again once the pin is written: retention may have deleted the backup between the
   * selection and the pin; from now on it will not.
   */
  Manifest stillThere(Manifest chosen, Pins.Hold pin) {
    if (pin == null) {
      return chosen;
    }
    return repository.manifest(chosen.id()).orElseThrow(() -> new IllegalStateException(
        "backup " + chosen.id() + " was pruned by retention before it could be pinned; run again"));
  }

  /** The key must be there, and be the one the backup was encrypted with, before anything is downloaded. */
  static void requireKey(Manifest manifest, ArchiveEncryption encryption) {
    if (manifest.encryption() != null && encryption == null) {
      throw new IllegalArgumentException("backup " + manifest.id() + " is encrypted (key id " + manifest.encryption().keyId()
          + "); pass --encryption-key-file");
    }
    if (manifest.encryption() != null && !manifest.encryption().keyId().equals(encryption.keyId())) {
      throw new IllegalArgumentException("--encryption-key-file: wrong key: backup " + manifest.id()
          + " was encrypted with key id " + manifest.encryption().keyId() + ", this key's id is " + encryption.keyId());
    }
  }

  /**
   * Downloads one volume and checks it: into {@code extractor}'s target, or with {@code extractor}
   * null only read and checked (nothing written). A volume stored as layers is read oldest layer
   * first, each file from the layer that holds it, and checked as a whole after the last.
   */
  ArchiveStats readVolume(Manifest manifest, Manifest.Volume volume, ArchiveEncryption encryption,
      SafeExtractor extractor, String label) throws IOException {
    FileList list = repository.fileList(manifest.id(), volume);
    Map<String, String> expected = list.sha256ByPath();
    Map<String, Integer> layerOf = list.layerByPath();
    List<Manifest.Layer> layers = volume.layers(manifest.id());
    ArchiveReader reader = extractor == null ? ArchiveVerifier.open(expected) : extractor.open(expected);
    for (int i = 0; i < layers.size(); i++) {
      Manifest.Layer layer = layers.get(i);
      String layerLabel = layers.size() == 1 ? label : label + " (layer " + (i + 1) + " of " + layers.size() + ")";
      readArchive(manifest, volume.claim(), layer, encryption, reader,
          new LayerSelection(layerOf, i, i == layers.size() - 1), layerLabel);
    }
    Manifest.Layer newest = layers.get(layers.size() - 1);
    try {
      return reader.finish();
    } catch (ChecksumMismatchException e) {
      // A file missing at the end is missing from the layer the file list says holds it.
      Integer holder = e.path() == null ? null : layerOf.get(e.path());
      throw e.in(repository.key(holder == null || holder >= layers.size() ? newest : layers.get(holder)));
    } catch (UnsafeArchiveException e) {
      throw e.in(repository.key(newest));
    }
  }

  /** Downloads one archive of a volume into {@code reader}, then checks the stored object against the manifest. */
  private void readArchive(Manifest manifest, String claim, Manifest.Layer layer, ArchiveEncryption encryption,
      ArchiveReader reader, LayerSelection selection, String label) throws IOException {
    String key = repository.key(layer);
    try (InputStream raw = layer.size() > DOWNLOAD_CHUNK
        ? repository.store().downloadInParallel(key, DOWNLOAD_CHUNK, PARALLEL_DOWNLOADS)
        : repository.store().download(key)) {
      Progress progress = new Progress(raw, label, layer.size(), out);
      DigestingInputStream digest = new DigestingInputStream(progress);
      // Each archive is bound to the backup that wrote it, which for an earlier layer is not this one.
      InputStream plain = encryption == null ? digest
          : encryption.decrypt(digest, BackupOperation.associatedData(layer.backup(), claim));
      try {
        InputStream tar = new BufferedInputStream(Codec.named(manifest.compression()).orElseThrow().decompress(plain), READ_BUFFER);
        reader.read(tar, selection);
        tar.transferTo(java.io.OutputStream.nullOutputStream()); // read to the end so the archive's own checksum covers every byte
      } catch (ChecksumMismatchException e) {
        throw e.in(key); // a file's name alone does not say which backup, nor where to look in the bucket
      } catch (UnsafeArchiveException e) {
        throw e.in(key);
      } catch (FileSystemException e) {
        throw e;
      } catch (IOException e) {
        // The decompressor's or decryptor's own words ("doesn't match checksum", "tag mismatch") do not say which file.
        throw new ChecksumMismatchException(layer.object(), key + " cannot be read, it is damaged or was altered: "
            + e.getMessage());
      }
      if (digest.count() != layer.size() || !digest.sha256Hex().equals(layer.sha256())) {
        throw new ChecksumMismatchException(layer.object(), key + " does not match its manifest (size " + digest.count()
            + " vs " + layer.size() + ", SHA-256 differs)");
      }
      progress.print();
    } catch (MissingObjectException e) {
      throw new DamagedObjectException(key + " is missing; the manifest of backup " + manifest.id() + " lists it", e);
    }
  }
}
