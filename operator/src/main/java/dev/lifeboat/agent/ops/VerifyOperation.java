package dev.lifeboat.agent.ops;

import dev.lifeboat.agent.archive.ArchiveEncryption;
import dev.lifeboat.agent.archive.ArchiveStats;
import dev.lifeboat.agent.archive.RestoreMode;
import dev.lifeboat.agent.archive.SafeExtractor;
import dev.lifeboat.agent.archive.SqliteIntegrity;
import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.repo.Pin;
import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.common.AgentResult;
import dev.lifeboat.common.Times;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Verifies a backup, and as a restore drill restores it: every volume (or one) is downloaded and
 * every checksum checked as a restore would; with a scratch directory each volume is restored into
 * {@code <dir>/<claim>} by the restore's own extractor and every SQLite database in it must pass
 * {@code PRAGMA integrity_check}. Any failure after the backup was chosen is a {@link
 * VerificationFailed} naming the backup, so the result says which backup failed and why.
 */
public final class VerifyOperation {
  /** A claim is a Kubernetes object name; anything else in a manifest must not choose a path. */
  private static final Pattern CLAIM = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  /**
   * @param claim one volume, or null for all
   * @param restoreTo restore into this existing directory and check the databases; null reads only
   * @param pinTtl pin the backup while it is read, for at most this long; null reads without a pin
   */
  public record Request(String backup, String claim, Path restoreTo, ArchiveEncryption encryption, Duration pinTtl) {}

  private final BackupRepository repository;
  private final Clock clock;
  private final RestoreOperation reader;

  public VerifyOperation(BackupRepository repository, Clock clock, PrintStream out) {
    this.repository = repository;
    this.clock = clock;
    this.reader = new RestoreOperation(repository, clock, out);
  }

  public AgentResult run(Request request) throws VerificationFailed {
    Instant start = clock.instant();
    if (request.restoreTo() != null && !Files.isDirectory(request.restoreTo())) {
      throw new IllegalArgumentException("--restore-to: " + request.restoreTo() + " is not a directory");
    }
    Manifest chosen = BackupSelector.select(repository, request.backup(), null);
    boolean all = request.claim() == null || request.claim().isBlank();
    List<Manifest.Volume> volumes = all ? chosen.volumes() : List.of(BackupSelector.volume(chosen, request.claim()));
    // Dumps are checked with the whole backup; a drill restores volumes only (a dump needs its command).
    List<Manifest.Dump> dumps = all ? chosen.dumpList() : List.of();
    RestoreOperation.requireKey(chosen, request.encryption());
    long files = 0;
    long bytes = 0;
    int databases = 0;
    String volume = null;
    try (Pins.Hold pin = reader.pin(chosen, Pin.VERIFY, request.pinTtl())) {
      Manifest manifest = reader.stillThere(chosen, pin);
      for (Manifest.Volume v : volumes) {
        volume = v.claim();
        ArchiveStats stats = reader.readVolume(manifest, v, request.encryption(), extractor(request.restoreTo(), v),
            "verify " + v.claim());
        files += stats.files();
        bytes += v.size();
        if (request.restoreTo() != null) {
          SqliteIntegrity.Report report = SqliteIntegrity.check(request.restoreTo().resolve(v.claim()));
          if (!report.failures().isEmpty()) {
            int others = report.failures().size() - 1;
            throw new DatabaseDamaged(report.failures().get(0)
                + (others > 0 ? " (and " + others + " more database" + (others == 1 ? "" : "s") + ")" : ""));
          }
          databases += report.databases();
        }
      }
      for (Manifest.Dump d : dumps) {
        volume = "dump " + d.name();
        reader.readDump(manifest, d, request.encryption(), plain -> plain.transferTo(OutputStream.nullOutputStream()),
            "verify dump " + d.name());
        bytes += d.size();
      }
    } catch (IOException | RuntimeException e) {
      throw new VerificationFailed(chosen.id(), volume, e);
    }
    Instant end = clock.instant();
    return new AgentResult(AgentResult.CURRENT_VERSION, "verify", chosen.id(), BackupPhase.Succeeded,
        Times.rfc3339(start), Times.rfc3339(end), bytes, files, null, Duration.between(start, end).toMillis() / 1000.0,
        chosen.suspicious(), message(chosen.id(), volumes.size(), dumps.size(), files, request.restoreTo() != null, databases), null);
  }

  /** Where a volume is restored, or null to only read it. */
  private static SafeExtractor extractor(Path restoreTo, Manifest.Volume volume) {
    if (restoreTo == null) {
      return null;
    }
    if (!CLAIM.matcher(volume.claim()).matches()) {
      throw new IllegalStateException("the manifest names a volume '" + volume.claim()
          + "', which is not a claim name; refusing to restore it under --restore-to");
    }
    return new SafeExtractor(restoreTo.resolve(volume.claim()), RestoreMode.Replace, List.of());
  }

  static String message(String id, int volumes, int dumps, long files, boolean restored, int databases) {
    StringBuilder message = new StringBuilder("verified backup ").append(id).append(": ")
        .append(plural(volumes, "volume")).append(", ").append(plural(files, "file"))
        .append(dumps == 0 ? "" : ", " + plural(dumps, "dump"))
        .append(", all checksums match");
    if (restored) {
      message.append("; restored to scratch; ").append(switch (databases) {
        case 0 -> "no SQLite database";
        case 1 -> "1 SQLite database passes integrity_check";
        default -> databases + " SQLite databases pass integrity_check";
      });
    }
    return message.toString();
  }

  private static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  /** A restored database SQLite finds damaged; the message names it and quotes SQLite. */
  public static final class DatabaseDamaged extends IOException {
    DatabaseDamaged(String message) {
      super(message);
    }
  }
}
