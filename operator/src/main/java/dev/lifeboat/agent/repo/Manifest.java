package dev.lifeboat.agent.repo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.stream.Stream;

/**
 * manifest.json, written last: a backup without one does not exist (docs/repository-format.md).
 *
 * @param kind scheduled or manual (both count for retention), or pre-restore (a safety backup, kept 7 days)
 * @param warnings what the backup noticed but holds all data of (a file that kept changing, a socket)
 * @param omissions data left out (a file the agent could not read); absent when none
 * @param volumes never null once read (an absent list reads as empty)
 * @param dumps the dump sources' streams; absent (null) in backups without any
 * @param bytes what the backup holds in S3: the sizes of every object it refers to, its own and those of
 *     earlier backups it shares (what the size rules judge)
 * @param newBytes what this backup uploaded, when it refers to objects of earlier backups; absent otherwise
 *     (then it equals bytes)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
    int formatVersion,
    String id,
    String namespace,
    String policy,
    String kind,
    String startTime,
    String endTime,
    String compression,
    Encryption encryption,
    long bytes,
    Long newBytes,
    long files,
    boolean suspicious,
    String suspiciousReason,
    List<Volume> volumes,
    List<Dump> dumps,
    List<String> warnings,
    List<String> omissions,
    String lifeboatVersion) {

  /** What a backup without dumps is written as; every agent since the first reads it. */
  public static final int FORMAT_VERSION = 1;
  /** What a backup holding dumps is written as, so an agent that knows no dumps refuses it by name. */
  public static final int FORMAT_VERSION_DUMPS = 2;
  /**
   * What a backup is written as once a volume of it refers to archives of earlier backups ({@link
   * Volume#layers}), so an agent that knows no layers refuses it by name instead of restoring a part.
   */
  public static final int FORMAT_VERSION_LAYERS = 3;
  /** The newest format this agent reads. */
  public static final int NEWEST_FORMAT_VERSION = FORMAT_VERSION_LAYERS;

  public Manifest {
    volumes = volumes == null ? List.of() : volumes;
  }
  public static final String KIND_SCHEDULED = "scheduled";
  public static final String KIND_PRE_RESTORE = "pre-restore";

  /** Client-side encryption: algorithm and the id (not the key) of the key used. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Encryption(String algorithm, String keyId) {}

  /**
   * One volume: one archive of this backup ({@code object}, whose size/sha256 are of the stored object),
   * or a stack of {@code layers}, archives written by this and earlier backups (then {@code size} is
   * theirs together and object/sha256 are absent). bytes is the files' content. fileList names the
   * object holding the per-file list (path, size, SHA-256, and with layers which layer holds each file).
   *
   * @param treeSha256 fingerprint of the volume's directories and symlinks, to tell the next backup nothing changed
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Volume(String claim, String object, long size, String sha256, long files, long bytes, String fileList,
      String fileListSha256, String treeSha256, List<Layer> layers) {
    public Volume(String claim, String object, long size, String sha256, long files, long bytes, String fileList,
        String fileListSha256) {
      this(claim, object, size, sha256, files, bytes, fileList, fileListSha256, null, null);
    }

    /** The archives making up the volume, oldest first: its one archive in backup {@code backupId}, or its layers. */
    public List<Layer> layers(String backupId) {
      return layers != null ? layers : List.of(new Layer(backupId, object, size, sha256, files, bytes));
    }
  }

  /**
   * One archive of a layered volume, stored as {@code <backup>/<object>}: the full archive a chain
   * starts with, or the files that changed since the layer before it, with every directory and
   * symlink of the volume at that time. size/sha256 are of the stored object; files/bytes count the
   * regular files it holds.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Layer(String backup, String object, long size, String sha256, long files, long bytes) {}

  /**
   * One dump source's standard output, stored as {@code <name>.dump<compression>[.enc]}. size/sha256
   * are of the stored object; bytes is what the command wrote; seconds how long it ran.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Dump(String name, String object, long size, String sha256, long bytes, double seconds) {}

  /** The dumps, never null (empty for a backup without any). */
  public List<Dump> dumpList() {
    return dumps == null ? List.of() : dumps;
  }

  public Dump dump(String name) {
    return dumpList().stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
  }

  /** Data was left out (see omissions): kept 7 days for inspection, never counted by retention, never "latest". */
  public boolean partial() {
    return omissions != null && !omissions.isEmpty();
  }

  /** A whole, scheduled backup: what retention counts, "latest" means and the size rules compare with. */
  public boolean regular() {
    return !KIND_PRE_RESTORE.equals(kind) && !partial();
  }

  /** Every archive the volumes are made of, this backup's own and earlier backups' layers alike. */
  public Stream<Layer> allLayers() {
    return volumes.stream().flatMap(v -> v.layers(id).stream());
  }

  public Volume volume(String claim) {
    return volumes.stream().filter(v -> v.claim().equals(claim)).findFirst().orElse(null);
  }
}
