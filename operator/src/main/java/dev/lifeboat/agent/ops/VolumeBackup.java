package dev.lifeboat.agent.ops;

import dev.lifeboat.agent.archive.ArchiveStats;
import dev.lifeboat.agent.archive.DigestingOutputStream;
import dev.lifeboat.agent.archive.FileDigest;
import dev.lifeboat.agent.archive.UnchangedFiles;
import dev.lifeboat.agent.archive.VolumeArchiver;
import dev.lifeboat.agent.repo.BackupRepository;
import dev.lifeboat.agent.repo.FileList;
import dev.lifeboat.agent.repo.Json;
import dev.lifeboat.agent.repo.Manifest;
import dev.lifeboat.agent.s3.S3Store;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Backs up one volume: tar → compression → optional encryption → S3 multipart upload, SHA-256 on the
 * way, then its file list. Built on an earlier backup's chain, files provably unchanged since are not
 * read: the archive written is a layer holding the changed files and the whole tree, and the volume
 * refers to the earlier layers that still hold a file. When nothing at all changed, no archive is
 * stored: the volume refers to the earlier layers as they are.
 */
final class VolumeBackup {
  /**
   * The manifest's entry, what the volume's archive warned of or left out, the bytes uploaded, and the
   * stored bytes of the data the volume holds (what the size rules judge; see {@link LayerPlan.Result#held}).
   */
  record Written(Manifest.Volume volume, List<String> warnings, List<String> omissions, long uploaded, long held) {}

  private final BackupRepository repository;
  private final String id;
  private final BackupOperation.Request request;
  private final LayerBase base;

  VolumeBackup(BackupRepository repository, String id, BackupOperation.Request request, LayerBase base) {
    this.repository = repository;
    this.id = id;
    this.request = request;
    this.base = base;
  }

  Written write(VolumeSource volume) throws IOException {
    List<String> warnings = new ArrayList<>();
    Optional<LayerBase.Chain> chain = base.chain(volume.claim(), warnings);
    String object = volume.claim() + request.codec().extension() + (request.encryption() != null ? ".enc" : "");
    S3Store.UploadStream upload = repository.store().upload(repository.key(id, object), BackupOperation.PART_SIZE,
        BackupOperation.PARALLEL_PARTS);
    DigestingOutputStream digest = new DigestingOutputStream(upload);
    OutputStream compressed = null;
    ArchiveStats stats;
    boolean unchanged;
    try {
      OutputStream sink = request.encryption() == null ? digest
          : request.encryption().encrypt(digest, BackupOperation.associatedData(id, volume.claim()));
      compressed = new BufferedOutputStream(request.codec().compress(sink), BackupOperation.WRITE_BUFFER);
      VolumeArchiver archiver = new VolumeArchiver(volume.dir(), request.excludes()).sqlite(request.sqliteScratch());
      chain.ifPresent(c -> archiver.reuse(new UnchangedFiles(c.files())));
      stats = archiver.write(compressed);
      unchanged = chain.isPresent() && nothingChanged(stats, chain.get());
      if (unchanged) {
        upload.abort(); // before closing: closing would store the archive
        DumpFiles.closeQuietly(compressed);
      } else {
        compressed.close();
      }
    } catch (IOException | RuntimeException e) {
      upload.abort();
      DumpFiles.closeQuietly(compressed);
      throw e;
    }
    stats.warnings().forEach(w -> warnings.add(volume.claim() + ": " + w));
    List<String> omissions = stats.omissions().stream().map(o -> volume.claim() + ": " + o).toList();
    String fileListName = volume.claim() + ".files.json";
    Manifest.Volume entry;
    long uploaded;
    long held;
    if (chain.isEmpty() || !unchanged && stats.reused() == 0) {
      // Nothing of an earlier backup is used: one archive, as every reader since the first reads it.
      byte[] fileList = fileList(volume.claim(), stats.digests());
      entry = new Manifest.Volume(volume.claim(), object, digest.count(), digest.sha256Hex(), stats.files(), stats.bytes(),
          fileListName, BackupOperation.sha256(fileList), stats.treeSha256(), null);
      uploaded = digest.count() + fileList.length;
      held = digest.count();
    } else {
      LayerBase.Chain earlier = chain.get();
      LayerPlan.Result plan = unchanged ? LayerPlan.unchanged(earlier.layers(), stats.digests())
          : LayerPlan.stacked(earlier.layers(), stats.digests(), new Manifest.Layer(id, object, digest.count(),
              digest.sha256Hex(), stats.files() - stats.reused(), bytesRead(stats)));
      byte[] fileList = fileList(volume.claim(), plan.files());
      entry = new Manifest.Volume(volume.claim(), null, plan.size(), null, stats.files(), stats.bytes(), fileListName,
          BackupOperation.sha256(fileList), stats.treeSha256(), plan.layers());
      uploaded = (unchanged ? 0 : digest.count()) + fileList.length;
      held = plan.held();
    }
    return new Written(entry, warnings, omissions, uploaded, held);
  }

  /** Stores the volume's file list; its bytes, for the manifest's fileListSha256. */
  private byte[] fileList(String claim, List<FileDigest> files) {
    byte[] bytes = Json.write(new FileList(claim, files));
    repository.store().putSmall(repository.key(id, claim + ".files.json"), bytes, "application/json");
    return bytes;
  }

  /**
   * Every file reused, none gone, and the directories and symlinks exactly as before. (A warning such
   * as a skipped socket does not count: a file that changed or vanished was not reused.)
   */
  private static boolean nothingChanged(ArchiveStats stats, LayerBase.Chain chain) {
    return stats.reused() == stats.files() && stats.files() == chain.files().size()
        && Objects.equals(stats.treeSha256(), chain.volume().treeSha256()) && stats.omissions().isEmpty();
  }

  /** Content bytes of the files this backup read (those not reused). */
  private static long bytesRead(ArchiveStats stats) {
    return stats.digests().stream().filter(d -> d.layer() == null).mapToLong(d -> d.size()).sum();
  }
}
