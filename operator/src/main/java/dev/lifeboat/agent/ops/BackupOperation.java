package dev.lifeboat.agent.ops;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.archive.ArchiveStats;
import dev.lifeboat.agent.archive.Codec;
import dev.lifeboat.agent.archive.DigestingOutputStream;
import dev.lifeboat.agent.archive.VolumeArchiver;
import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.FileList;
import dev.lifeboat.agent.repo.Json;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.s3.S3Store;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Times;
import dev.lifeboat.retention.RetentionRules;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * One backup: each volume streamed as tar → compression → optional encryption → S3 multipart
 * upload, its SHA-256 taken on the way; then the per-file lists; then manifest.json, last, so
 * a backup interrupted anywhere before it does not exist. Retention runs only after success.
 */
public final class BackupOperation {
  /** Parts in flight times part size bounds the upload memory: 4 × 8 MiB. */
  static final int PART_SIZE = 8 * 1024 * 1024;
  static final int PARALLEL_PARTS = 4;
  static final int WRITE_BUFFER = 1024 * 1024;
  static final String ENCRYPTION_ALGORITHM = "AES256_GCM_HKDF_1MB";

  /**
   * What to back up and how. encryption and rules may be null; sqliteScratch is where SQLite
   * databases are captured consistently before they are archived, null to archive them as bytes.
   * dumpWaits may be null (the defaults: 10 minutes for a dump container to start, 60 seconds for its
   * exit status). maxLayers bounds a volume's chain of layers (1: every backup writes full archives; 0:
   * the default, {@value LayerPlan#DEFAULT_MAX_LAYERS}).
   */
  public record Request(List<VolumeSource> volumes, List<DumpSource> dumps, List<String> excludes, Codec codec,
      ArchiveEncryption encryption, RetentionRules rules, long minSize, String backupId, String kind, Path sqliteScratch,
      DumpWaits dumpWaits, int maxLayers) {
    public Request {
      volumes = volumes == null ? List.of() : volumes;
      dumps = dumps == null ? List.of() : dumps;
      maxLayers = maxLayers == 0 ? LayerPlan.DEFAULT_MAX_LAYERS : maxLayers;
      if (maxLayers < 1) {
        throw new IllegalArgumentException("--max-layers: must be at least 1, got " + maxLayers);
      }
    }
  }

  /** How long a running backup's pin holds the backup it builds on, should the backup be killed. */
  static final Duration BASE_PIN_TTL = Duration.ofHours(24);

  /** How long the agent waits for a dump container to open its output, and for its exit status after it. */
  public record DumpWaits(Duration start, Duration exit) {}

  private final BackupRepository repository;
  private final Clock clock;

  public BackupOperation(BackupRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
  }

  public AgentResult run(Request request) throws IOException {
    int[] started = {0};
    try {
      return run(request, started);
    } catch (IOException | RuntimeException e) {
      // The containers of dumps not started yet wait for go: tell them to end.
      request.dumps().subList(started[0], request.dumps().size()).forEach(d -> DumpFiles.abort(d.dir()));
      throw e;
    }
  }

  /** {@code started[0]} counts the dumps started so far. */
  private AgentResult run(Request request, int[] started) throws IOException {
    Instant start = clock.instant();
    String id = request.backupId() != null ? request.backupId() : Times.backupId(start);
    // Listed once: for the id check, the 10 % rule and retention (one GET per backup in the repository).
    BackupRepository.Listing listing = repository.scan();
    List<Manifest> earlier = listing.complete();
    if (earlier.stream().anyMatch(m -> m.id().equals(id)) || listing.damaged().stream().anyMatch(d -> d.id().equals(id))) {
      throw new IllegalArgumentException("--backup-id: backup " + id + " already exists");
    }
    for (VolumeSource volume : request.volumes()) {
      if (!Files.isDirectory(volume.dir())) {
        throw new IllegalArgumentException("--volume: " + volume.dir() + " (claim " + volume.claim() + ") is not a directory");
      }
    }
    if (request.volumes().isEmpty() && request.dumps().isEmpty()) {
      throw new IllegalArgumentException("nothing to back up: give at least one --volume or --dump");
    }
    for (DumpSource dump : request.dumps()) {
      if (!Files.isDirectory(dump.dir())) {
        throw new IllegalArgumentException("--dump: " + dump.dir() + " (dump " + dump.name() + ") is not a directory");
      }
    }
    if (request.dumps().stream().map(DumpSource::name).distinct().count() != request.dumps().size()) {
      throw new IllegalArgumentException("--dump: a name is given twice");
    }
    List<Manifest.Volume> volumes = new ArrayList<>();
    List<Manifest.Dump> dumps = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> omissions = new ArrayList<>();
    long files = 0;
    long stored = 0;
    // Dumps first: a broken one fails the backup before the volumes were read for nothing.
    try (Heartbeat heartbeat = request.dumps().isEmpty() ? null : Heartbeat.start(request.dumps().get(0).dir().getParent())) {
      repository.store().checkAccess();
      for (DumpSource dump : request.dumps()) {
        started[0]++;
        Manifest.Dump written = backUpDump(id, dump, request);
        dumps.add(written);
        stored += written.size();
      }
    }
    long uploaded = stored;
    Manifest manifest;
    byte[] manifestBytes;
    Suspicion suspicion;
    // The backup built on is pinned until this one's manifest refers to its archives.
    try (LayerBase base = LayerBase.find(repository, clock, earlier, id, request)) {
      if (base.warning() != null) {
        warnings.add(base.warning());
      }
      for (VolumeSource volume : request.volumes()) {
        VolumeBackup.Written written = new VolumeBackup(repository, id, request, base).write(volume);
        volumes.add(written.volume());
        warnings.addAll(written.warnings());
        omissions.addAll(written.omissions());
        files += written.volume().files();
        stored += written.held();
        uploaded += written.uploaded();
      }
      suspicion = Suspicion.judge(stored, request.minSize(), previousGood(earlier, id));
      boolean layered = volumes.stream().anyMatch(v -> v.layers() != null);
      // Format 2 only with dumps, 3 only with layers: an older agent must refuse such a backup by name.
      int format = layered ? Manifest.FORMAT_VERSION_LAYERS
          : dumps.isEmpty() ? Manifest.FORMAT_VERSION : Manifest.FORMAT_VERSION_DUMPS;
      manifest = new Manifest(format, id, repository.namespace(), repository.policy(), request.kind(),
          Times.rfc3339(start), Times.rfc3339(clock.instant()), request.codec().name(),
          request.encryption() == null ? null : new Manifest.Encryption(ENCRYPTION_ALGORITHM, request.encryption().keyId()),
          stored, layered ? uploaded : null, files, suspicion.suspicious(), suspicion.reason(), volumes,
          dumps.isEmpty() ? null : dumps, warnings.isEmpty() ? null : warnings,
          omissions.isEmpty() ? null : omissions, AgentVersion.get());
      LayerBase.requireEarlierArchives(repository, id, volumes);
      manifestBytes = Json.write(manifest);
      repository.store().putSmall(repository.key(id, BackupRepository.MANIFEST), manifestBytes, "application/json");
    }
    Instant end = clock.instant();

    AgentResult.Retention retention = null;
    // A backup that left data out must never be the reason a good one is pruned: no retention after it.
    if (request.rules() != null && !manifest.partial()) {
      List<Manifest> complete = new ArrayList<>(earlier);
      complete.add(manifest);
      complete.sort(Comparator.comparing(Manifest::id).reversed());
      retention = new RetentionOperation(repository, clock).apply(request.rules(), false, complete, listing.damaged());
    }
    BackupPhase phase = manifest.partial() ? BackupPhase.PartiallyFailed : BackupPhase.Succeeded;
    String message = (manifest.partial() ? "PARTIAL: " + Findings.summary(omissions, "left out") + "; " : "")
        + "backed up " + files + " files of " + request.volumes().size() + " volume(s)"
        + (dumps.isEmpty() ? "" : " and " + dumps.size() + " dump(s)") + ", " + Sizes.human(stored)
        + (manifest.newBytes() == null ? "" : " (" + Sizes.human(uploaded) + " new)") + " stored, in " + Duration.between(start, end).toSeconds() + "s"
        + (suspicion.suspicious() ? "; SUSPICIOUS: " + suspicion.reason() : "")
        + (warnings.isEmpty() ? "" : "; " + Findings.summary(warnings, "warning(s)"))
        + Damage.summary(listing.damaged()) + Damage.leftovers(retention)
        + (manifest.partial() ? "; kept 7 days for inspection, retention not applied" : "");
    return new AgentResult(AgentResult.CURRENT_VERSION, "backup", id, phase, Times.rfc3339(start),
        Times.rfc3339(end), stored, files, "sha256:" + sha256(manifestBytes),
        Duration.between(start, end).toMillis() / 1000.0, suspicion.suspicious(), message, retention,
        Findings.first(warnings), Findings.first(omissions), dumps.isEmpty() ? null : dumps.stream()
            .map(d -> new AgentResult.Dump(d.name(), d.size(), d.bytes(), d.seconds())).toList());
  }

  /**
   * One dump: the command's standard output, read from its FIFO as it is produced, through the same
   * compression → encryption → multipart upload as a volume. Any failure aborts the upload.
   */
  private Manifest.Dump backUpDump(String id, DumpSource dump, Request request) throws IOException {
    String object = dumpObject(dump.name(), request.codec(), request.encryption() != null);
    Instant start = clock.instant();
    S3Store.UploadStream upload = repository.store().upload(repository.key(id, object), PART_SIZE, PARALLEL_PARTS);
    DigestingOutputStream digest = new DigestingOutputStream(upload);
    OutputStream compressed = null;
    long bytes;
    try {
      OutputStream sink = request.encryption() == null ? digest
          : request.encryption().encrypt(digest, dumpAssociatedData(id, dump.name()));
      compressed = new BufferedOutputStream(request.codec().compress(sink), WRITE_BUFFER);
      DumpWaits waits = request.dumpWaits();
      bytes = DumpReader.read(dump, compressed, waits == null ? DumpReader.Waits.DEFAULT
          : new DumpReader.Waits(waits.start(), waits.exit()));
      compressed.close();
    } catch (IOException | RuntimeException e) {
      upload.abort(); // before closing: closing would store what came so far
      DumpFiles.closeQuietly(compressed);
      throw e;
    }
    double seconds = Duration.between(start, clock.instant()).toMillis() / 1000.0;
    return new Manifest.Dump(dump.name(), object, digest.count(), digest.sha256Hex(), bytes, seconds);
  }

  /** {@code <name>.dump<compression>[.enc]}: e.g. tzurot-db.dump.zst, which {@code zstd -d} reads. */
  static String dumpObject(String name, Codec codec, boolean encrypted) {
    return name + ".dump" + codec.streamExtension() + (encrypted ? ".enc" : "");
  }

  /** A dump's associated data: "lifeboat/ID/NAME.dump", never that of a volume (a claim) of the same name. */
  public static byte[] dumpAssociatedData(String backupId, String name) {
    return associatedData(backupId, name + ".dump");
  }

  /** The newest complete, not suspicious, regular backup before this one, for the 10 % rule. */
  private static Manifest previousGood(List<Manifest> earlier, String id) {
    return earlier.stream()
        .filter(m -> m.id().compareTo(id) < 0 && !m.suspicious() && m.regular())
        .findFirst().orElse(null);
  }

  /** Binds each encrypted archive to its place, so archives cannot be swapped between backups unnoticed. */
  public static byte[] associatedData(String backupId, String claim) {
    return ("lifeboat/" + backupId + "/" + claim).getBytes(StandardCharsets.UTF_8);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
